""""预警更新中…" after a write (issue 12): the write returned as soon as its data was committed;
its lights follow in the sync worker (services.lights.queue). A fragment re-checks the batch's
sync request every POLL seconds (one indexed count) and, once it is done, reruns the page,
which then states that the lights are current."""

from __future__ import annotations

import streamlit as st

from services.lights.queue import pending
from ui.platform.db import get_engine
from ui.platform.i18n import t

POLL = "2s"


def lights_status(batch_id: int | None) -> None:
    """Show whether the lights of import batch `batch_id` are in yet."""
    if batch_id is None:
        return
    done_key = f"lights_done_{batch_id}"
    if st.session_state.get(done_key) or pending(get_engine(), batch_id=batch_id) == 0:
        st.session_state[done_key] = True
        st.caption(t("lights.queue.done"))
        return
    _poll(batch_id, done_key)


@st.fragment(run_every=POLL)
def _poll(batch_id: int, done_key: str) -> None:
    if pending(get_engine(), batch_id=batch_id) == 0:
        st.session_state[done_key] = True
        st.rerun()  # the whole page: the fragment stops polling, the page says "updated"
    st.info(t("lights.queue.pending"), icon=":material/sync:")

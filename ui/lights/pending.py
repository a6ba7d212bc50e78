""""预警更新中…" after a write (issue 12): the write returned as soon as its data was committed;
its lights follow in the sync worker (services.lights.queue). A fragment re-checks the sync
request every POLL seconds (one indexed count) and, once it is done, reruns the page, which
then states that the lights are current."""

from __future__ import annotations

import streamlit as st

from services.lights.queue import pending
from ui.platform.db import get_engine
from ui.platform.i18n import t

POLL = "2s"
_INLINE = "_lights_poll_inline"  # session key: True while the page run calls the poll itself


def lights_status(batch_id: int | None) -> None:
    """Show whether the lights of import batch `batch_id` are in yet."""
    if batch_id is not None:
        _status(f"lights_done_{batch_id}", {"batch_id": batch_id}, "lights.queue.done")


def request_status(request_id: int | None) -> None:
    """Show whether sync request `request_id` (the lights centre's "立即运行规则") is done."""
    if request_id is not None:
        _status(f"lights_request_done_{request_id}", {"request_id": request_id},
                "lights.centre.synced")


def _status(done_key: str, which: dict[str, int], done_label: str) -> None:
    if st.session_state.get(done_key) or pending(get_engine(), **which) == 0:
        st.session_state[done_key] = True
        st.caption(t(done_label))
        return
    st.session_state[_INLINE] = True  # the fragment's body runs inline in this page run
    try:
        _poll(which, done_key, done_label)
    finally:
        st.session_state[_INLINE] = False


@st.fragment(run_every=POLL)
def _poll(which: dict[str, int], done_key: str, done_label: str) -> None:
    if pending(get_engine(), **which) == 0:
        st.session_state[done_key] = True
        # Only a timer's run reruns the page (to show the new lights). Inline, in the page's own
        # run, a rerun would drop the click that started that run: Streamlit resets the
        # buttons' triggers when the run stops, and the rerun carries no widget states.
        if not st.session_state.get(_INLINE):
            st.rerun()
        st.caption(t(done_label))
        return
    st.info(t("lights.queue.pending"), icon=":material/sync:")

"""Opening a power from a link (`power_detail?power=<职权编码>`): the score drill-down, the
lights centre and shared bookmarks name a power by its code, never by an internal id."""

from __future__ import annotations

import polars as pl
import streamlit as st

from services.power import catalog as power_service
from ui.platform.context import UserContext
from ui.platform.db import unit_of_work
from ui.power.widgets import SELECTED_KEY

_OPENED = "power_linked_code"


def select_linked_power(ctx: UserContext) -> bool | None:
    """Select the version in force (else the newest) of the code in the URL, once per link.
    True when it was selected, False when the code is not in the user's scope (or does not
    exist: the two are not told apart), None when the URL names no power."""
    code = (st.query_params.get("power") or "").strip()[:64]
    if not code:
        return None
    if st.session_state.get(_OPENED) == code:
        return True
    with unit_of_work() as session:
        versions = power_service.versions_frame(ctx.scope, code, session=session)
    if versions.is_empty():
        return False
    chosen = versions.sort(pl.col("is_current"), "version", descending=True)["id"][0]
    st.session_state[SELECTED_KEY] = int(chosen)
    st.session_state[_OPENED] = code
    return True

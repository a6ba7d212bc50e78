"""The warning every page that shows deadlines must carry when a year has no schedule."""

from __future__ import annotations

import streamlit as st

from ui.platform.i18n import t


def warn_unknown_years(years: tuple[int, ...] | list[int]) -> None:
    if years:
        st.warning(t("calendar.warn_unknown", years="、".join(str(y) for y in years)),
                   icon=":material/event_busy:")

"""The login screen: title, and in demo mode the demo accounts to try."""

from __future__ import annotations

import polars as pl
import streamlit as st

from services.platform.demo_accounts import DEMO_USERS
from services.platform.settings import DEMO_PASSWORD
from ui.platform.auth import demo_database
from ui.platform.formatting import role_names
from ui.platform.i18n import t
from ui.platform.tables import data_table


def login_header() -> None:
    st.title(t("core.app_title"))
    st.caption(t("core.app_subtitle"))


def demo_accounts() -> None:
    # only on the demo seed's own database: a real one never advertises the demo password
    if not demo_database():
        return
    st.info(t("auth.demo_notice", password=DEMO_PASSWORD))
    data_table(
        pl.DataFrame(
            {t("auth.username"): [u for u, *_ in DEMO_USERS],
             t("auth.display_name"): [n for _, n, *_ in DEMO_USERS],
             t("auth.roles"): [role_names(r) for _, _, r, *_ in DEMO_USERS]}
        ),
        hide_index=True, width="stretch",
    )

"""The cockpit's trading section: this year's processes and awarded amount, open trading
lights and the red-process rate, each a link to the page behind it."""

from __future__ import annotations

from datetime import date

import streamlit as st

from core.clock import china_today
from services.platform.scope import Scope
from services.trading.ocds_export import RegisterFilter
from ui.platform.formatting import share_text
from ui.platform.i18n import t
from ui.trading.register_cache import cached_cockpit

OPEN = "open,acknowledged,supervising,rectified"


def _kpis(scope: Scope, today: date) -> dict:
    k = cached_cockpit(scope, RegisterFilter(start=today.replace(month=1, day=1), end=today))
    return k | {"amount": float(k["amount"] or 0) / 10_000}  # 万元, for the card only


def trading_section(scope: Scope) -> None:
    k = _kpis(scope, china_today())
    st.subheader(t("trading.cockpit.title"))
    cards = [
        (t("trading.cockpit.processes"), f"{k['processes']:,}", "pages/trading/register.py", {}),
        (t("trading.cockpit.amount"), f"{k['amount']:,.0f}", "pages/trading/register.py", {}),
        (t("trading.cockpit.red"), k["red_lights"], "pages/lights/centre.py",
         {"system": "S2", "level": "red", "status": OPEN}),
        (t("trading.cockpit.yellow"), k["yellow_lights"], "pages/lights/centre.py",
         {"system": "S2", "level": "yellow", "status": OPEN}),
    ]
    for col, (label, value, page, params) in zip(st.columns(4), cards, strict=True):
        with col.container(border=True):
            st.metric(label, value)
            st.page_link(page, label=t("trading.cockpit.view"), query_params=params or None,
                         icon=":material/arrow_forward:")
    rate = share_text(k["rate"])
    st.caption(t("trading.cockpit.caption", rate=rate))

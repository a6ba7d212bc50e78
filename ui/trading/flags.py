"""A process's or party's lights, each with its rule, its level and its facts in words."""

from __future__ import annotations

import polars as pl
import streamlit as st

from ui.lights.format import facts_text, rule_title
from ui.platform.formatting import md_escape
from ui.platform.i18n import t


def flags_list(alerts: pl.DataFrame) -> None:
    if alerts.height == 0:
        st.success(t("trading.process.no_flags"))
        return
    for a in alerts.sort("level", "rule_id").iter_rows(named=True):
        icon = ":red-badge[■]" if a["level"] == "red" else ":orange-badge[■]"  # no emoji font needed
        head = t("trading.process.facts_head", rule=f"{a['rule_id']} {rule_title(a['rule_id'])}",
                 level=t(f"trading.process.{a['level']}"))
        st.markdown(f"{icon} **{md_escape(head)}**  \n{md_escape(facts_text(a['rule_id'], a['facts']))}")

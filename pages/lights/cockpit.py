"""总览 / Cockpit (leaders, supervisors): open lights, 督办 orders, the lights board, trends.
Every number links to the lights centre (or the orders) already filtered."""

import streamlit as st

from ui.lights.cockpit import (
    cockpit_data,
    cockpit_sections,
    kpi_cards,
    lights_board,
    top_departments_chart,
    trend_chart,
)
from ui.platform.context import require_user
from ui.platform.i18n import t

ctx = require_user("leader", "supervisor")
st.title(t("lights.cockpit.title"))
data = cockpit_data(ctx.scope)
st.caption(t("lights.cockpit.caption", day=f"{data.today:%Y-%m-%d}"))

kpi_cards(data)

st.subheader(t("lights.cockpit.board"))
st.caption(t("lights.cockpit.board_caption"))
lights_board(data, ctx.scope.root_region)

left, right = st.columns(2)
with left:
    st.subheader(t("lights.cockpit.trend"))
    trend_chart(data)
with right:
    st.subheader(t("lights.cockpit.top"))
    top_departments_chart(data)

for section in cockpit_sections():  # each system's own section, in the manifest's order
    section(ctx.scope)

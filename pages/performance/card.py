"""考评成绩单 / Score card: one department's score in a period, the tree with the points lost
per node (sunburst and table), one leaf's formula filled in with its numbers and the records
behind it. Evaluated departments see only their own card (scope); printable."""

import streamlit as st

from services.performance import read
from services.performance.catalog import PerformanceError
from services.platform.export import to_xlsx
from ui.performance.card import leaf_panel, scored_points, summary, sunburst, tree_table
from ui.performance.view import board, period_picker
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table

ctx = require_user()
st.title(t("performance.card.title"))
period = period_picker("pc_period")
if period is None:
    st.stop()
scores = board(ctx.scope, period)
if scores.height == 0:
    st.info(t("performance.card.none_in_scope"))
    st.stop()
ids = scores["department_id"].to_list()
names = dict(zip(ids, scores["department"].to_list(), strict=True))
raw = st.query_params.get("dept") or ""
st.session_state.setdefault("pc_dept", int(raw) if raw.isdigit() and int(raw) in ids else ids[0])
if st.session_state["pc_dept"] not in ids:
    st.session_state["pc_dept"] = ids[0]
dept = st.selectbox(t("performance.col.department"), ids, key="pc_dept", format_func=names.get)
st.query_params["dept"] = str(dept)
try:
    with unit_of_work() as s:
        data = read.card(session=s, scope=ctx.scope, period_code=period["code"], department_id=dept)
except PerformanceError as exc:
    st.error(error_text(exc))
    st.stop()

st.subheader(f"{md_escape(names[dept])} · {md_escape(period['name'])}")
summary(data)
left, right = st.columns([3, 2])
with left:
    table = tree_table(data)
    data_table(table, hide_index=True, width="stretch", height=520)
with right:
    sunburst(data)
    score_leaves = scored_points(data)
    st.caption(t("performance.card.sum_check", leaves=f"{score_leaves:.2f}",
                 bonus=f"{data['summary']['bonus_points']:.2f}", total=f"{data['summary']['total']:.2f}"))
leaf_panel(data, ctx.scope, "pc_leaf")
st.download_button(t("performance.export"), data=lambda: to_xlsx({
    t("performance.card.title"): table, t("performance.card.leaves"): data["leaves"].drop("records_query")}),
                   file_name=f"score_card_{period['code']}_{dept}.xlsx", icon=":material/download:")
st.caption(t("performance.card.print"))
# printing: the card alone (no sidebar, no widgets' chrome); static CSS, no user text
st.markdown("<style>@media print { [data-testid='stSidebar'], header, "
            "[data-testid='stDownloadButton'] { display: none !important; } }</style>",
            unsafe_allow_html=True)

"""廉政风险点台账 / Risk register: department × level heat map, the list, reviews, and (admin)
the level thresholds."""


import plotly.express as px
import streamlit as st

from core.clock import china_today
from metrics.power.coverage import risk_heat_top
from metrics.power.risk import without_measures
from models.power import RISK_LEVELS
from services.platform.export import to_xlsx
from services.power import risk as risk_service
from ui.platform.charts import plotly_chart
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table, page_range
from ui.power.risk_cache import risks as cached_risks
from ui.power.risks_view import register_table
from ui.power.widgets import SELECTED_KEY, can_edit, level_label, place_date_filters

ctx = require_user()
st.title(t("power.ui.risks_title"))

where = place_date_filters(ctx, key="pr", date_label=t("power.ui.last_review"))
level = st.segmented_control(t("power.ui.level"), list(RISK_LEVELS), key="pr_level",
                             format_func=level_label)
only_missing = st.toggle(t("power.ui.only_missing"), key="pr_missing")
risks = cached_risks(ctx.scope, level=level, region_code=where["region_code"],
                     department_id=where["department_id"], reviewed_since=where["since"],
                     reviewed_until=where["until"])
if only_missing:
    risks = without_measures(risks)
if risks.is_empty():
    st.info(t("power.ui.no_risks"))
    st.stop()

heat = risk_heat_top(risks, top=30)
fig = px.imshow(heat.select(*RISK_LEVELS).to_numpy(), x=[level_label(lv) for lv in RISK_LEVELS],
                y=heat["department"].to_list(), text_auto=True, aspect="auto",
                color_continuous_scale="OrRd",
                labels={"x": t("power.ui.level"), "y": t("power.ui.department"),
                        "color": t("power.ui.risk_count")})
fig.update_layout(height=max(300, 22 * heat.height + 80), margin=dict(t=10, l=0, r=0, b=0))
st.caption(t("power.ui.heat_caption", n=heat.height))
plotly_chart(fig, width="stretch")

st.caption(t("power.ui.count_risks", n=risks.height))
shown = register_table(risks)
offset, length = page_range(shown.height, key="pr_page")
event = data_table(shown.slice(offset, length), hide_index=True, width="stretch", on_select="rerun",
                   selection_mode="single-row", key=f"pr_table_{offset}")
st.download_button(t("core.export_xlsx"), data=lambda: to_xlsx({t("power.ui.risks_title"): shown}),
                   file_name="risk_points.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
rows = event.selection.rows if event and event.selection else []
if rows:
    row = risks.row(offset + rows[0], named=True)  # the table shows one page of `risks`
    st.markdown(f"**{md_escape(row['power'])}**（{md_escape(row['code'])}）· {md_escape(row['description'])}")
    c1, c2 = st.columns(2)
    if c1.button(t("power.ui.open_power"), icon=":material/open_in_new:"):
        st.session_state[SELECTED_KEY] = row["power_id"]
        st.switch_page("pages/power/detail.py")
    if can_edit(ctx) and c2.button(t("power.ui.mark_reviewed"), icon=":material/fact_check:"):
        try:
            with unit_of_work() as session:
                risk_service.mark_reviewed(session=session, actor=ctx.username, scope=ctx.scope,
                                           risk_id=row["id"], on=china_today())
        except ValueError as exc:
            st.error(error_text(exc))
        else:
            st.toast(t("power.ui.reviewed"))
            st.rerun()

if ctx.has_any("admin"):
    with unit_of_work() as session:
        high_min, medium_min = risk_service.level_thresholds(session=session)
    with st.expander(t("power.ui.thresholds"), icon=":material/tune:"):
        with st.form("pr_thresholds"):
            st.caption(t("power.ui.thresholds_help"))
            h = st.number_input(t("power.ui.high_min"), 1, 5, high_min)
            m = st.number_input(t("power.ui.medium_min"), 1, 5, medium_min)
            if st.form_submit_button(t("core.save"), type="primary"):
                try:
                    with unit_of_work() as session:
                        n = risk_service.set_level_thresholds(session=session, actor=ctx.username,
                                                              high_min=int(h), medium_min=int(m))
                except ValueError as exc:
                    st.error(error_text(exc))
                else:
                    st.success(t("power.ui.regraded", n=n))

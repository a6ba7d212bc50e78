"""权力清单公开 / Public power list: published powers only, readable without login. Shows the
public facts and the flow chart; never drafts, versions in progress, risk points or notes."""

import streamlit as st

from models.power import POWER_CATEGORIES
from services.power import catalog as power_service
from ui.platform.db import unit_of_work
from ui.platform.i18n import t
from ui.platform.tables import data_table
from ui.power.public_view import facts_table, region_departments
from ui.power.widgets import flow_chart, pick_power

PAGE_SIZE = 100

st.title(t("power.ui.public_title"))
st.caption(t("power.ui.public_help"))

with unit_of_work() as session:
    regions, depts = power_service.public_places(session=session)
c1, c2, c3, c4 = st.columns([2, 2, 2, 1])
search = c1.text_input(t("power.ui.public_search"), key="pub_search")
region_names = dict(zip(regions["region_code"], regions["region_name"], strict=True))
region = c2.selectbox(t("power.ui.region"), [None, *region_names], key="pub_region",
                      format_func=lambda c: t("power.ui.all") if c is None else region_names[c])
depts = region_departments(depts, region)
dept_names = dict(zip(depts["id"], depts["name"], strict=True))
dept = c3.selectbox(t("power.ui.department"), [None, *dept_names], key="pub_dept",
                    format_func=lambda d: t("power.ui.all") if d is None else dept_names.get(d, ""))
category = c4.selectbox(t("power.ui.category"), [None, *POWER_CATEGORIES], key="pub_cat",
                        format_func=lambda c: t("power.ui.all") if c is None else c)
where = dict(search=search or None, category=category, region_code=region,
             department_id=dept if dept in dept_names else None)
with unit_of_work() as session:
    total = power_service.public_powers_count(session=session, **where)
pages = max(1, -(-total // PAGE_SIZE))
if int(st.session_state.get("pub_page", 1)) > pages:  # fewer pages after a filter change
    st.session_state["pub_page"] = pages
page_no = int(st.session_state.get("pub_page", 1))
with unit_of_work() as session:
    df = power_service.public_powers_frame(session=session, limit=PAGE_SIZE,
                                           offset=(page_no - 1) * PAGE_SIZE, **where)
st.caption(t("power.ui.public_count", n=total, first=(page_no - 1) * PAGE_SIZE + min(1, df.height),
             last=(page_no - 1) * PAGE_SIZE + df.height))
if df.is_empty():
    st.info(t("power.ui.public_none"))
    st.stop()

chosen = pick_power(df, key="pub_table", public=True)
if pages > 1:
    st.number_input(t("power.ui.public_page", pages=pages), min_value=1, max_value=pages,
                    step=1, key="pub_page")
if chosen is None:
    st.caption(t("power.ui.public_pick"))
    st.stop()

with unit_of_work() as session:
    power = power_service.get_power(None, chosen, session=session, public=True)  # in force only
if power is None:
    st.stop()
st.subheader(power["name"])
facts = facts_table(power)
data_table(facts, hide_index=True, width="stretch")
with unit_of_work() as session:
    steps, edges = power_service.flow_frames(power["id"], session=session)
flow_chart(steps, edges, None)  # risk points are internal: never on the public chart
st.info(t("power.ui.complain", department=power["department"]), icon=":material/support_agent:")

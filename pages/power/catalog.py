"""职权目录 / Power catalog: browse and filter current versions, create a power, open one."""

import streamlit as st

from services.platform.org import departments_frame
from services.power import catalog as power_service
from services.power import lifecycle
from ui.lights.export import download
from ui.platform.context import require_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.i18n import error_text, t
from ui.power.widgets import (
    SELECTED_KEY,
    can_edit,
    catalog_export,
    catalog_filters,
    pick_power,
    power_form,
)

ctx = require_user()
st.title(t("power.ui.catalog_title"))
st.caption(t("power.ui.catalog_help"))

flt = catalog_filters(ctx, key="pc")
labels = flt.pop("labels")
LIMIT = 5000
with unit_of_work() as session:
    df = power_service.powers_frame(ctx.scope, session=session, **flt, limit=LIMIT)
st.caption(t("power.ui.count_limited", n=LIMIT) if df.height == LIMIT
           else t("power.ui.count", n=df.height))
chosen = pick_power(df, key="pc_table")
if chosen is not None:
    st.session_state[SELECTED_KEY] = chosen
    st.switch_page("pages/power/detail.py")
engine = get_engine()  # every power the filters select (the table stops at LIMIT), on click
download(t("core.export_xlsx"), "powers.xlsx",
         lambda: catalog_export(ctx, flt, labels, engine=engine), key="pc_export")

if can_edit(ctx):
    with st.expander(t("power.ui.create"), icon=":material/add:"):
        with unit_of_work() as session:
            depts = departments_frame(ctx.scope, session=session)
        if depts.is_empty():
            st.info(t("power.ui.no_departments"))
        else:
            data = power_form("pc_create", depts)
            if data is not None:
                try:
                    with unit_of_work() as session:
                        new_id = lifecycle.create_power(session=session, actor=ctx.username,
                                                        scope=ctx.scope, data=data)
                except ValueError as exc:
                    st.error(error_text(exc))
                else:
                    st.session_state[SELECTED_KEY] = new_id
                    st.success(t("power.ui.created", code=data.code))
                    st.switch_page("pages/power/detail.py")

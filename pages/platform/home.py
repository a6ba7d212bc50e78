"""工作台 / Home: who I am, what I can see, and where to go."""

import streamlit as st

from services.platform.org import regions_frame
from ui.lights.todos import show_todos
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape, role_names
from ui.platform.i18n import t
from ui.platform.navigation import pages_for_roles

ctx = require_user()
st.title(t("home.title"))
st.write(t("home.greeting", name=md_escape(ctx.display_name), roles=role_names(list(ctx.roles))))

with unit_of_work() as session:
    regions = regions_frame(ctx.scope, session=session)
root = regions.filter(regions["code"] == ctx.region_code)
root_name = root["name"][0] if root.height else ctx.region_code
scope_text = t("home.scope_all") if ctx.scope.is_all else t("home.scope_region", region=root_name)
st.caption(scope_text)

c1, c2, c3 = st.columns(3)
c1.metric(t("home.kpi_regions"), f"{regions.height:,}")
c2.metric(t("home.kpi_departments"), f"{int(regions['departments'].sum()):,}")
c3.metric(t("home.kpi_users"), f"{int(regions['users'].sum()):,}")

show_todos(ctx)

st.subheader(t("home.shortcuts"))
for spec in pages_for_roles(ctx.roles):
    if spec.path != "pages/platform/home.py":
        st.page_link(spec.path, label=t(spec.title_key), icon=spec.icon)

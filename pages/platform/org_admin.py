"""组织维护 / Organisation maintenance (admin): add or edit regions and departments."""

import streamlit as st

from models.org import DepartmentCreate, RegionCreate, RegionLevel
from services.platform.org import (
    OrgError,
    departments_frame,
    regions_frame,
    save_department,
    save_region,
)
from services.platform.reference import DEPARTMENT_KINDS
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import level_name
from ui.platform.forms import validation_message
from ui.platform.i18n import error_text, t

ctx = require_user("admin")
st.title(t("org.admin_title"))
with unit_of_work() as session:
    regions = regions_frame(ctx.scope, session=session)
names = dict(zip(regions["code"], regions["name"], strict=True))
region_label = lambda code: f"{names.get(code, code)}（{code}）"  # noqa: E731

tab_region, tab_dept = st.tabs([t("org.tab_region"), t("org.tab_department")])

with tab_region, st.form("region_form", clear_on_submit=False):
    st.caption(t("org.region_help"))
    code = st.text_input(t("org.col_code"), max_chars=6, placeholder="210102")
    name = st.text_input(t("org.col_region"), max_chars=64)
    level = st.selectbox(t("org.col_level"), [RegionLevel.city.value, RegionLevel.county.value],
                         format_func=level_name)
    parent = st.selectbox(t("org.col_parent"), regions.filter(regions["level"] != "county")["code"].to_list(),
                          format_func=region_label)
    if st.form_submit_button(t("core.save"), type="primary"):
        try:
            data = RegionCreate(code=code.strip(), name=name.strip(), level=level, parent_code=parent)
            with unit_of_work() as session:
                region = save_region(session=session, actor=ctx.username, scope=ctx.scope, data=data)
        except OrgError as exc:
            st.error(error_text(exc))
        except ValueError as exc:
            st.error(validation_message(exc))
        else:
            st.success(t("org.saved_region", name=region.name, code=region.code))

kinds = {k: county for k, _, _, _, county in DEPARTMENT_KINDS} | {"other": t("org.kind_other")}
with tab_dept:
    with unit_of_work() as session:
        existing = departments_frame(ctx.scope, session=session)
    pick = st.selectbox(t("org.edit_existing"), [""] + existing["code"].to_list(),
                        format_func=lambda c: t("org.new_department") if not c else
                        f"{existing.filter(existing['code'] == c)['name'][0]}（{c}）")
    row = existing.filter(existing["code"] == pick).row(0, named=True) if pick else {}
    with st.form(f"dept_form_{pick or 'new'}"):
        d_code = st.text_input(t("org.col_code"), value=row.get("code", ""), max_chars=32,
                               disabled=bool(pick))
        d_name = st.text_input(t("org.col_department"), value=row.get("name", ""), max_chars=128)
        region_codes = regions["code"].to_list()
        d_region = st.selectbox(t("org.col_region"), region_codes, format_func=region_label,
                                index=region_codes.index(row["region_code"]) if row else 0)
        kind_keys = list(kinds)
        d_kind = st.selectbox(t("org.col_kind"), kind_keys, format_func=kinds.get,
                              index=kind_keys.index(row["kind"]) if row.get("kind") in kinds else len(kind_keys) - 1)
        d_active = st.checkbox(t("org.col_active"), value=row.get("active", True))
        if st.form_submit_button(t("core.save"), type="primary"):
            try:
                data = DepartmentCreate(code=(pick or d_code).strip(), name=d_name.strip(),
                                        region_code=d_region, kind=d_kind)
                with unit_of_work() as session:
                    dept = save_department(session=session, actor=ctx.username, scope=ctx.scope,
                                           data=data, active=d_active)
            except OrgError as exc:
                st.error(error_text(exc))
            except ValueError as exc:
                st.error(validation_message(exc))
            else:
                st.success(t("org.saved_department", name=dept.name, code=dept.code))

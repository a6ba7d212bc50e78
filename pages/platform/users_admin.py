"""用户管理 / Users (admin): create, set roles and scope, reset a password, deactivate."""

import polars as pl
import streamlit as st

from models.users import ALL_ROLES, UserCreate
from services.platform import users as user_service
from services.platform.org import departments_frame, regions_frame
from ui.platform.admin_tables import users_display
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import role_names
from ui.platform.forms import validation_message
from ui.platform.i18n import error_text, t
from ui.platform.tables import data_table

ctx = require_user("admin")
st.title(t("users.title"))

with unit_of_work() as session:
    users = user_service.users_frame(ctx.scope, session=session)
    regions = regions_frame(ctx.scope, session=session)
region_names = dict(zip(regions["code"], regions["name"], strict=True))
region_codes = regions["code"].to_list()


def region_label(code: str) -> str:
    return f"{region_names.get(code, code)}（{code}）"


def department_picker(region_code: str, current: int | None, key: str) -> int | None:
    with unit_of_work() as session:
        depts = departments_frame(ctx.scope, region_code=region_code, session=session)
    options = [None, *depts["id"].to_list()]
    labels = dict(zip(depts["id"], depts["name"], strict=True))
    return st.selectbox(t("users.department"), options, key=key,
                        index=options.index(current) if current in options else 0,
                        format_func=lambda i: t("users.no_department") if i is None else labels[i])


data_table(users_display(users), hide_index=True, width="stretch")

tab_new, tab_edit, tab_pw = st.tabs([t("users.tab_new"), t("users.tab_edit"), t("users.tab_password")])

with tab_new:
    region = st.selectbox(t("users.region"), region_codes, format_func=region_label, key="new_region")
    department = department_picker(region, None, key="new_dept")
    with st.form("new_user", clear_on_submit=True):
        username = st.text_input(t("auth.username"), max_chars=32, help=t("users.username_help"))
        display_name = st.text_input(t("auth.display_name"), max_chars=64)
        roles = st.multiselect(t("auth.roles"), ALL_ROLES, format_func=role_names,
                               placeholder=t("core.choose"))
        password = st.text_input(t("users.initial_password"), type="password", help=t("account.rules"))
        if st.form_submit_button(t("users.create"), type="primary"):
            try:
                data = UserCreate(username=username.strip(), display_name=display_name.strip(),
                                  roles=",".join(roles), region_code=region,
                                  department_id=department, password=password)
                with unit_of_work() as session:
                    user_service.create_user(session=session, actor=ctx.username,
                                             actor_scope=ctx.scope, data=data)
            except user_service.UserError as exc:
                st.error(error_text(exc))
            except ValueError as exc:
                st.error(validation_message(exc))
            else:
                st.success(t("users.created", username=username))

with tab_edit:
    target = st.selectbox(t("auth.username"), users["username"].to_list(), key="edit_user")
    if target:
        row = users.filter(pl.col("username") == target).row(0, named=True)
        with unit_of_work() as session:
            current = user_service.get_user(target, session=session)
        region = st.selectbox(t("users.region"), region_codes, format_func=region_label,
                              index=region_codes.index(row["region_code"]), key=f"edit_region_{target}")
        department = department_picker(region, current.department_id, key=f"edit_dept_{target}")
        with st.form(f"edit_{target}"):
            display_name = st.text_input(t("auth.display_name"), value=row["display_name"])
            roles = st.multiselect(t("auth.roles"), ALL_ROLES, default=row["roles"].split(","),
                                   format_func=role_names, placeholder=t("core.choose"))
            active = st.checkbox(t("users.active_unlock"), value=row["active"])
            if st.form_submit_button(t("core.save"), type="primary"):
                try:
                    with unit_of_work() as session:
                        user_service.update_user(
                            session=session, actor=ctx.username, actor_scope=ctx.scope,
                            username=target, display_name=display_name, roles=roles,
                            region_code=region, department_id=department, active=active)
                except user_service.UserError as exc:
                    st.error(error_text(exc))
                else:
                    st.success(t("users.saved", username=target))

with tab_pw, st.form("reset_pw", clear_on_submit=True):
    target = st.selectbox(t("auth.username"), users["username"].to_list(), key="pw_user")
    new_pw = st.text_input(t("account.new"), type="password", help=t("account.rules"))
    if st.form_submit_button(t("users.reset"), type="primary"):
        try:
            with unit_of_work() as session:
                user_service.reset_password(session=session, actor=ctx.username,
                                            actor_scope=ctx.scope, username=target,
                                            new_password=new_pw)
        except user_service.UserError as exc:
            st.error(error_text(exc))
        else:
            st.success(t("users.reset_done", username=target))

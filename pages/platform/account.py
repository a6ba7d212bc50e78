"""我的账户 / My account: change my own password."""

import streamlit as st

from models.base import utcnow
from services.platform import users as user_service
from ui.platform.auth import ISSUED_AT
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import md_escape
from ui.platform.i18n import error_text, t

ctx = require_user()
st.title(t("account.title"))
st.write(t("account.who", username=md_escape(ctx.username), name=md_escape(ctx.display_name)))

with st.form("change_password", clear_on_submit=True):
    st.subheader(t("account.change_password"))
    current = st.text_input(t("account.current"), type="password")
    new = st.text_input(t("account.new"), type="password", help=t("account.rules"))
    confirm = st.text_input(t("account.confirm"), type="password")
    submitted = st.form_submit_button(t("account.submit"), type="primary")

if submitted:
    if new != confirm:
        st.error(t("account.err_mismatch"))
    else:
        try:
            with unit_of_work() as session:
                user_service.change_own_password(session=session, username=ctx.username,
                                                 current=current, new=new)
        except user_service.UserError as exc:
            st.error(error_text(exc))
        else:
            # this tab goes on; every other session and every login cookie, this browser's
            # included, has ended (the next reload asks for the password)
            st.session_state[ISSUED_AT] = utcnow()
            st.success(t("account.done"))

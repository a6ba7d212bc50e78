"""审计日志 / Audit log (admin): every write, as a verifiable hash chain."""

from datetime import datetime, time, timedelta

import streamlit as st

from core.clock import china_today
from services.platform.audit import events_frame, verify_chain
from services.platform.export import to_xlsx
from services.platform.org import regions_frame
from services.platform.users import display_names
from ui.platform.admin_tables import audit_display
from ui.platform.context import require_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.formatting import CHINA_TZ
from ui.platform.i18n import t
from ui.platform.tables import data_table

ctx = require_user("admin")
st.title(t("audit.title"))

c1, c2, c3 = st.columns(3)
actor = c1.text_input(t("audit.actor")).strip() or None
action = c2.text_input(t("audit.action"), help=t("audit.action_help")).strip() or None
period = c3.date_input(t("audit.period"), value=(china_today() - timedelta(days=30), china_today()))

since = until = None
if isinstance(period, tuple) and len(period) == 2:
    since = datetime.combine(period[0], time.min, CHINA_TZ)
    until = datetime.combine(period[1] + timedelta(days=1), time.min, CHINA_TZ)

with unit_of_work() as session:
    events = events_frame(session=session, actor=actor, action_prefix=action, since=since,
                          until=until)
with unit_of_work() as session:
    names = display_names(events["actor"].unique().to_list(), session=session)
    regions = regions_frame(ctx.scope, session=session)
shown = audit_display(events, names, dict(zip(regions["code"], regions["name"], strict=True)))
st.caption(t("audit.shown", n=events.height))
data_table(shown, hide_index=True, width="stretch")

left, right = st.columns(2)
left.download_button(t("core.export_xlsx"), data=lambda: to_xlsx({"audit": shown}), file_name="audit_log.xlsx",
                     icon=":material/download:",
                     mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
if right.button(t("audit.verify"), icon=":material/verified:"):
    with st.spinner(t("audit.verifying")):
        report = verify_chain(get_engine())
    if report.ok:
        st.success(t("audit.verify_ok", n=report.checked))
    else:
        st.error(t("audit.verify_bad", id=report.first_bad_id, reason=report.reason))

"""预警中心 / Lights centre (supervisors, leaders): filter alerts (open ones by default), pick
them by clicking their rows, read why they fired, work them one by one or in a batch."""

import polars as pl
import streamlit as st

from services.lights.queue import request_full_sync
from services.lights.read import AlertFilter, alert_level_counts, alerts_frame, last_sync_at
from ui.lights.detail import alert_actions, alert_detail, show_flash, subject_link
from ui.lights.export import export_button
from ui.lights.filters import alert_filter, sync_url, url_alert
from ui.lights.format import alerts_display
from ui.lights.pending import request_status
from ui.lights.picker import alerts_table, batch_actions, focused, page_picker
from ui.platform.context import require_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.formatting import local_time
from ui.platform.i18n import t

ctx = require_user("supervisor", "leader")
is_supervisor = ctx.has_any("supervisor")

head, button = st.columns([4, 1], vertical_alignment="bottom")
head.title(t("lights.centre.title"))
if is_supervisor and button.button(t("lights.centre.sync"), icon=":material/sync:"):
    # a full sync is queued and runs in the worker, off this request (ui.lights.worker)
    st.session_state["lc_sync_request"] = request_full_sync(get_engine(), actor=ctx.username)
request_status(st.session_state.get("lc_sync_request"))  # "预警更新中…" until it is done
show_flash()
with unit_of_work() as session:
    last_run = last_sync_at(session=session)
st.caption(t("lights.centre.last_run", ts=local_time(last_run, "%Y-%m-%d %H:%M:%S"))
           if last_run else t("lights.centre.never_run"))

flt = alert_filter(ctx)
with unit_of_work() as session:
    counts = alert_level_counts(session=session, scope=ctx.scope, flt=flt)
total = sum(counts.values())
c1, c2, c3 = st.columns(3)
c1.metric(t("lights.centre.count_red"), f"{counts.get('red', 0):,}")
c2.metric(t("lights.centre.count_yellow"), f"{counts.get('yellow', 0):,}")
c3.metric(t("lights.centre.count_total"), f"{total:,}")

offset, limit = page_picker(total, flt)
with unit_of_work() as session:
    alerts = alerts_frame(session=session, scope=ctx.scope, flt=flt, limit=limit, offset=offset)
table = alerts_display(alerts)
if alerts.height:
    st.caption(t("lights.centre.pick_hint"))
picked = alerts_table(table, alerts["id"].to_list())
region_name, department_name = st.session_state.get("lf_names", (None, None))
export_button(ctx, flt, region_name=region_name, department_name=department_name)

focus = focused(picked, url_alert())
sync_url(flt, focus[0] if len(focus) == 1 else None)
if focus:
    # the alert just worked on stays in view even when it no longer matches the filter
    shown = alerts.filter(pl.col("id").is_in(focus))
    if shown.height < len(focus):
        with unit_of_work() as session:
            shown = alerts_frame(session=session, scope=ctx.scope, flt=AlertFilter(ids=tuple(focus)))
    st.divider()
    if shown.height == 1:
        alert = shown.row(0, named=True)
        alert_detail(ctx, alert)
        subject_link(ctx, alert)
        if is_supervisor:
            alert_actions(ctx, alert, alerts)
    elif shown.height > 1 and is_supervisor:
        batch_actions(ctx, shown)
    elif shown.height > 1:
        st.info(t("lights.batch.read_only", n=shown.height))
elif alerts.height == 0:
    st.info(t("lights.centre.empty"))

"""预警中心 / Lights centre (supervisors, leaders): filter alerts, read why they fired, work them."""

import polars as pl
import streamlit as st

from services.lights.read import alerts_frame
from services.lights.sync import sync_alerts
from services.platform.export import to_xlsx
from ui.lights.detail import alert_actions, alert_detail, flash, show_flash
from ui.lights.filters import alert_filter, selected_alert, sync_url
from ui.lights.format import alerts_display
from ui.platform.context import require_user
from ui.platform.db import get_engine, unit_of_work
from ui.platform.i18n import t

MAX_ROWS = 5000

ctx = require_user("supervisor", "leader")
is_supervisor = ctx.has_any("supervisor")

head, button = st.columns([4, 1], vertical_alignment="bottom")
head.title(t("lights.centre.title"))
if is_supervisor and button.button(t("lights.centre.sync"), icon=":material/sync:"):
    with st.spinner(t("lights.centre.syncing")):
        result = sync_alerts(get_engine(), actor=ctx.username)  # a unit of work of its own
    flash(t("lights.centre.synced", new=result.new, updated=result.updated + result.reopened,
            cleared=result.cleared, unchanged=result.unchanged, seconds=f"{result.seconds:.1f}"))
show_flash()

flt = alert_filter(ctx)
with unit_of_work() as session:
    alerts = alerts_frame(session=session, scope=ctx.scope, flt=flt, limit=MAX_ROWS + 1)
if alerts.height > MAX_ROWS:
    st.warning(t("lights.centre.truncated", n=MAX_ROWS))
    alerts = alerts.head(MAX_ROWS)

c1, c2, c3 = st.columns(3)
c1.metric(t("lights.centre.count_red"), int((alerts["level"] == "red").sum()))
c2.metric(t("lights.centre.count_yellow"), int((alerts["level"] == "yellow").sum()))
c3.metric(t("lights.centre.count_total"), alerts.height)

table = alerts_display(alerts)
st.dataframe(table, hide_index=True, width="stretch")
st.download_button(t("core.export_xlsx"), data=to_xlsx({t("lights.centre.sheet"): table}),
                   file_name="alerts.xlsx", icon=":material/download:",
                   mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")

picked = selected_alert(alerts["id"].to_list())
sync_url(flt, picked)
if picked is not None:
    alert = alerts.filter(pl.col("id") == picked).row(0, named=True)
    st.divider()
    alert_detail(ctx, alert)
    if is_supervisor:
        alert_actions(ctx, alert, alerts)
elif alerts.height == 0:
    st.info(t("lights.centre.empty"))

"""督办单 / Supervision orders: supervisors accept or return answers; the addressed
department's data officer answers with the rectification taken."""

import polars as pl
import streamlit as st

from core.clock import china_today
from metrics.lights.board import active_orders, overdue_orders
from models.lights import ORDER_STATUSES
from services.lights import orders as order_service
from services.lights.read import order_alerts, orders_frame
from ui.lights.detail import run_action, show_flash
from ui.lights.evidence import evidence_section
from ui.lights.format import (
    alerts_display,
    language,
    order_status_label,
    orders_display,
    style_levels,
)
from ui.lights.paperwork import feedback_docx, notice_docx
from ui.platform.context import require_user
from ui.platform.db import unit_of_work
from ui.platform.formatting import local_time, md_escape
from ui.platform.i18n import current_language, t
from ui.platform.tables import data_table

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ctx = require_user("supervisor", "data_officer", "leader")
st.title(t("lights.orders.title"))
st.caption(t("lights.orders.caption"))
if ctx.has_any("supervisor"):
    st.page_link("pages/lights/centre.py", label=t("lights.orders.issue_hint"),
                 icon=":material/add_alert:", query_params={"status": "open,acknowledged"})
show_flash()

wanted = [s for s in (st.query_params.get("status") or "").split(",") if s in ORDER_STATUSES]
st.session_state.setdefault("so_status", wanted)
st.session_state.setdefault("so_overdue", st.query_params.get("overdue") == "1")
f1, f2 = st.columns([3, 1], vertical_alignment="bottom")
statuses = f1.multiselect(t("lights.order.status"), list(ORDER_STATUSES), key="so_status",
                          format_func=order_status_label, placeholder=t("lights.f.any"))
only_overdue = f2.toggle(t("lights.orders.only_overdue"), key="so_overdue")
with unit_of_work() as session:
    orders = orders_frame(session=session, scope=ctx.scope, statuses=tuple(statuses))
today = china_today()
if only_overdue:
    orders = overdue_orders(orders, today)
active = active_orders(orders)
c1, c2, c3 = st.columns(3)
c1.metric(t("lights.orders.count"), orders.height)
c2.metric(t("lights.orders.active"), active.height)
c3.metric(t("lights.orders.overdue"), int((active["due_date"] < today).sum()))
data_table(orders_display(orders), hide_index=True, width="stretch")

numbers = orders["order_no"].to_list()
if not numbers:
    st.info(t("lights.orders.empty"))
    st.stop()
from_url = st.query_params.get("order")
st.session_state.setdefault("so_order", from_url if from_url in numbers else numbers[0])
if st.session_state["so_order"] not in numbers:
    st.session_state["so_order"] = numbers[0]
order_no = st.selectbox(t("lights.order.no"), numbers, key="so_order")
st.query_params.from_dict({k: v for k, v in {"status": ",".join(statuses), "order": order_no,
                                              "overdue": "1" if only_overdue else ""}.items() if v})
order = orders.filter(pl.col("order_no") == order_no).row(0, named=True)
names = {order["issued_by"]: order["issued_by_name"],  # people by name, not by login
         order["answered_by"]: order["answered_by_name"]}

st.subheader(t("lights.orders.detail", no=order_no))
c1, c2, c3, c4 = st.columns(4)
c1.markdown(f"**{t('lights.order.status')}**  \n{order_status_label(order['status'])}")
c2.markdown(f"**{t('lights.col.department')}**  \n{md_escape(order['department_name'])}"
            f"（{md_escape(order['region_name'])}）")
overdue = order["status"] != "accepted" and order["due_date"] < today
c3.markdown(f"**{t('lights.order.due')}**  \n{order['due_date']:%Y-%m-%d}"
            + (f" · :red[{t('lights.orders.is_overdue')}]" if overdue else ""))
c4.markdown(f"**{t('lights.order.escalation')}**  \n{order['escalation_level']}")
st.markdown(f"**{t('lights.order.instructions')}**（{md_escape(names.get(order['issued_by']))}，"
            f"{local_time(order['issued_at'])}）：")
st.text(order["instructions"])
if order["response"]:
    st.markdown(f"**{t('lights.order.response')}**（{md_escape(names.get(order['answered_by']))}，"
                f"{local_time(order['answered_at'])}）：")
    st.text(order["response"])
if order["decision_note"]:
    st.markdown(f"**{t('lights.order.decision_note')}**：{md_escape(order['decision_note'])}")
st.markdown(f"**{t('lights.order.alerts')}**")
with unit_of_work() as session:
    covered = order_alerts(session=session, scope=ctx.scope, order_id=order["id"])
data_table(style_levels(alerts_display(covered), t("lights.col.level")), hide_index=True,
             width="stretch")
evidence_section(ctx, order)
lang = current_language()


def _in_language(build):  # noqa: ANN001, ANN202  (the click runs outside this script run)
    def data() -> bytes:
        with language(lang):
            return build()
    return data


p1, p2 = st.columns(2)
p1.download_button(t("lights.paper.notice_button"), icon=":material/description:", mime=DOCX,
                   data=_in_language(lambda: notice_docx(order, covered, names)),
                   file_name=f"{order_no}-notice.docx", on_click="ignore", key="so_notice")
p2.download_button(t("lights.paper.feedback_button"), icon=":material/description:", mime=DOCX,
                   data=_in_language(lambda: feedback_docx(order, names)),
                   file_name=f"{order_no}-feedback.docx", on_click="ignore", key="so_feedback",
                   disabled=not order["response"])


if ctx.has_any("data_officer") and order["status"] in ("issued", "returned"):
    with st.form("so_answer"):
        response = st.text_area(t("lights.orders.response_label"), max_chars=2000, key="so_response")
        if st.form_submit_button(t("lights.orders.answer"), type="primary"):
            run_action(lambda s: order_service.answer_order(
                session=s, actor=ctx.username, scope=ctx.scope, order_id=order["id"],
                response=response), t("lights.orders.answered", no=order_no))

if ctx.has_any("supervisor") and order["status"] == "answered":
    with st.form("so_decide"):
        note = st.text_area(t("lights.orders.decision_label"), max_chars=2000, key="so_note")
        left, right = st.columns(2)
        accept = left.form_submit_button(t("lights.orders.accept"), type="primary")
        send_back = right.form_submit_button(t("lights.orders.return"))
    if accept:
        run_action(lambda s: order_service.accept_order(
            session=s, actor=ctx.username, scope=ctx.scope, order_id=order["id"], note=note),
            t("lights.orders.accepted", no=order_no))
    if send_back:
        run_action(lambda s: order_service.return_order(
            session=s, actor=ctx.username, scope=ctx.scope, order_id=order["id"], note=note),
            t("lights.orders.returned", no=order_no))

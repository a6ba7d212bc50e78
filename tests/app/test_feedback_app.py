"""S5 pages as operators, departments, leaders and the public see them, on the demo."""

from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import china_today
from i18n import translate
from metrics.feedback.kpis import kpi_table
from models.feedback import Ticket, TicketEvent
from models.org import Department
from models.users import User
from services.feedback.contact import contact_hash
from services.feedback.planted import PLANTED
from services.feedback.read import ticket_frame
from tests.app.helpers import login, new_app, open_page, texts, when_ready
from ui.platform.formatting import share_text


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def metric(at, label: str) -> str:  # noqa: ANN001
    return next(m.value for m in at.metric if m.label == label)


def press(at, label: str):  # noqa: ANN001, ANN201
    """Click the button with this label (the sidebar's logout button is a button too)."""
    return next(b for b in at.button if b.label == label).click().run()


def planted(engine, rule: str) -> Ticket:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(Ticket).where(Ticket.contact_hash == contact_hash(PLANTED[rule]))
                         .order_by(Ticket.id.desc()).limit(1)).scalar_one()


def test_operator_list_counts_every_ticket_and_overdue(seeded):
    at = open_page(login("hotline_op"), "pages/feedback/tickets.py")
    assert not at.exception, at.exception
    with Session(seeded) as s:
        total = s.execute(select(func.count()).select_from(Ticket)).scalar_one()
        overdue = s.execute(select(func.count()).select_from(Ticket).where(
            Ticket.status.in_(["dispatched", "signed", "processing"]), Ticket.reply_due < china_today())).scalar_one()
    assert metric(at, tr("feedback.col.tickets")) == str(total)
    assert metric(at, tr("feedback.tickets.overdue")) == str(overdue)
    assert overdue >= 1  # the planted FB-R1 ticket
    assert at.dataframe[0].value.shape[0] == 50  # one page
    at.selectbox(key="fbl_status").select("merged").run()
    with Session(seeded) as s:
        merged = s.execute(select(func.count()).select_from(Ticket).where(Ticket.status == "merged")).scalar_one()
    assert metric(at, tr("feedback.col.tickets")) == str(merged)


def test_department_sees_own_tickets_and_the_number_in_clear(seeded):
    at = open_page(login("county_data"), "pages/feedback/tickets.py")  # 和平区市场监督管理局
    assert not at.exception, at.exception
    with Session(seeded) as s:
        dept = s.execute(select(Department).where(Department.code == "210102004")).scalar_one()
        own = s.execute(select(func.count()).select_from(Ticket).where(Ticket.department_id == dept.id)).scalar_one()
    assert metric(at, tr("feedback.col.tickets")) == str(own)
    assert set(at.dataframe[0].value[tr("feedback.col.department")]) == {dept.name}
    ticket = planted(seeded, "FB-R1")
    at = open_page(at, "pages/feedback/ticket.py")
    at.text_input(key="fbd_no").input(ticket.ticket_no).run()
    assert not at.exception, at.exception
    fields = at.dataframe[0].value
    assert PLANTED["FB-R1"] in set(fields.iloc[:, 1])  # the handling department reads the phone
    assert at.radio(key="fbd_action").options == [tr("feedback.action.request_extension"),
                                                   tr("feedback.action.reply")]
    at.radio(key="fbd_action").set_value("reply").run()
    at.text_area(key="fbd_note").input("已责令商家退款并约谈负责人。")
    press(at, tr("feedback.action.reply"))
    assert not at.exception, at.exception
    assert tr("feedback.detail.done", action=tr("feedback.action.reply")) in texts(at.success)
    with Session(seeded) as s:
        t = s.get(Ticket, ticket.id)
        last = s.execute(select(TicketEvent.action).where(TicketEvent.ticket_id == t.id)
                         .order_by(TicketEvent.id.desc()).limit(1)).scalar_one()
    assert (t.status, last, t.reply) == ("replied", "reply", "已责令商家退款并约谈负责人。")


def test_leader_sees_the_mask_and_no_actions(seeded):
    ticket = planted(seeded, "FB-R1")
    at = login("prov_leader")
    at.query_params["no"] = ticket.ticket_no
    at = open_page(at, "pages/feedback/ticket.py")
    at.text_input(key="fbd_no").input(ticket.ticket_no).run()
    assert not at.exception, at.exception
    values = set(at.dataframe[0].value.iloc[:, 1])
    assert "138****9002" in values and PLANTED["FB-R1"] not in values
    assert tr("feedback.detail.no_actions") in [c.value for c in at.caption]
    timeline = at.dataframe[1].value
    assert list(timeline[tr("feedback.col.action")])[:2] == [tr("feedback.action.receive"),
                                                              tr("feedback.action.dispatch")]


def test_operator_registers_a_ticket(seeded):
    at = open_page(login("hotline_op"), "pages/feedback/intake.py")
    assert not at.exception, at.exception
    at.selectbox(key="fbi_channel").select("12345")
    at.selectbox(key="fbi_category").select("SP03")
    at.selectbox(key="fbi_region").select("210102")
    at.text_area(key="fbi_content").input("路边摊贩售卖来路不明的熟食，无任何证照。")
    at.text_input(key="fbi_contact").input("13912345678")
    press(at, tr("feedback.intake.submit"))
    assert not at.exception, at.exception
    assert at.success and at.success[0].value.startswith("已登记工单 S5")
    with Session(seeded) as s:
        t = s.execute(select(Ticket).order_by(Ticket.id.desc()).limit(1)).scalar_one()
    assert (t.channel, t.status, t.contact_mask, t.region_code) == ("12345", "received", "139****5678", "210102")
    assert t.ticket_no in at.success[0].value


def test_public_submit_lookup_and_rate_limit(seeded):
    at = new_app()  # nobody logged in
    open_page(at, "pages/feedback/public_submit.py")
    assert not at.exception, at.exception

    def submit(text: str):  # noqa: ANN202
        at.selectbox(key="fbp_category").select("HB05")
        at.selectbox(key="fbp_region").select("210102")
        at.text_area(key="fbp_content").input(text)
        press(at, tr("feedback.public.submit"))
        assert not at.exception, at.exception

    submit("<script>alert(1)</script>化工厂夜里排放黑烟")
    done = at.success[0].value
    no, code = done.split("工单编号：")[1].split("　查询码：")
    with Session(seeded) as s:
        t = s.execute(select(Ticket).where(Ticket.ticket_no == no)).scalar_one()
    assert (t.channel, t.content) == ("minxin", "<script>alert(1)</script>化工厂夜里排放黑烟")
    submit("第二次反映化工厂夜里排放黑烟")
    submit("第三次反映化工厂夜里排放黑烟")
    submit("第四次反映化工厂夜里排放黑烟")
    assert tr("feedback.err.rate_limited", minutes=10) in texts(at.error)

    status = open_page(new_app(), "pages/feedback/public_status.py")
    status.text_input(key="fbs_no").input(no)
    status.text_input(key="fbs_code").input("WRONG1")
    press(status, tr("feedback.public.query"))
    assert tr("feedback.public.no_match") in texts(status.error)
    status.text_input(key="fbs_code").input(code.strip())
    press(status, tr("feedback.public.query"))
    assert not status.exception, status.exception
    assert metric(status, tr("feedback.col.status")) == tr("feedback.status.received")
    assert list(status.table[0].value[tr("feedback.col.action")]) == [tr("feedback.action.receive")]
    # the citizen's own text never comes back as markup, and no phone or contact is shown
    assert not any("<script>" in m.value for m in status.markdown)


def test_public_statistics_have_no_content_or_personal_data(seeded):
    at = when_ready(open_page(new_app(), "pages/feedback/public_stats.py"))
    assert not at.exception, at.exception
    today = china_today()
    with Session(seeded) as s:
        frame = ticket_frame(s.connection(), None, extra=True,
                             since=(today.replace(day=1) - timedelta(days=31 * 11)).replace(day=1))
    published = frame.filter(pl.col("published") & (pl.col("status") != "merged")).height
    by_category = at.dataframe[0].value
    assert int(by_category[tr("feedback.col.received_count")].sum()) == published
    for table in at.dataframe:
        cols = " ".join(table.value.columns)
        assert tr("feedback.col.content") not in cols and tr("feedback.col.contact") not in cols
        assert tr("feedback.col.ticket_no") not in cols


def test_dashboard_rates_match_the_tickets(seeded):
    at = when_ready(open_page(login("prov_leader"), "pages/feedback/dashboard.py"))
    assert not at.exception, at.exception
    today = china_today()
    with Session(seeded) as s:
        frame = ticket_frame(s.connection(), None, since=today - timedelta(days=365), until=today)
    k = kpi_table(frame, [], today).row(0, named=True)
    assert metric(at, tr("feedback.kpi.on_time")) == share_text(k["on_time_rate"])
    assert metric(at, tr("feedback.kpi.satisfaction")) == share_text(k["satisfaction_rate"])
    # 最近受理 is a China date, never a time of 00:00:00 (issue 16)
    # (Streamlit draws a bare date column with a time: the table must carry the date format)
    top = next(d for d in at.dataframe if tr("feedback.col.last") in d.value.columns)
    assert len(top.value) > 0
    config = json.loads(top.proto.columns)[tr("feedback.col.last")]["type_config"]
    assert (config["type"], config["format"]) == ("date", "YYYY-MM-DD")
    assert len(at.get("plotly_chart")) == 3
    captions = [c.value for c in at.caption]
    assert any(c.endswith(f"= {k['repeat_num']} / {k['repeat_den']}") for c in captions)


def test_cockpit_has_the_feedback_section(seeded):
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    assert tr("feedback.cockpit.title") in [h.value for h in at.subheader]
    with Session(seeded) as s:
        assert s.execute(select(User.id).where(User.username == "hotline_op")).scalar() is not None
        # the open tickets, counted through the status index: every ticket not closed or merged
        open_now = s.execute(select(func.count()).select_from(Ticket).where(
            Ticket.status.not_in(("closed", "merged")))).scalar_one()
    assert open_now > 0
    assert [m.value for m in at.metric if m.label == tr("feedback.cockpit.open")] == [str(open_now)]

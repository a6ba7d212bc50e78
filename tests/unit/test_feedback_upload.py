"""The dispatch catalog through the shared upload pipeline: an admin changes a category's
limits (the next dispatch uses them); a bad row is refused naming row and column."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

from models.db import session_scope
from models.feedback import Category, Ticket, TicketEvent
from services.feedback import tickets as svc
from services.platform import ingest
from services.platform.scope import ALL, Scope
from tests.unit.test_feedback_flow import OPERATOR, build_org, new_ticket

HEADER = "类别代码,类别名称,承办部门类型,签收时限,答复时限,紧急签收时限,紧急答复时限,回访时限\n"


def _prepare(engine, content: str):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        return ingest.prepare("feedback_categories", "目录.csv", content.encode("utf-8"), session=s,
                              actor="admin", scope=ALL, roles=("admin",))


def test_admin_changes_limits_and_the_next_dispatch_uses_them(engine):
    depts = build_org(engine)
    p = _prepare(engine, HEADER + "ZJ01,物业管理,zjj,2,15,0,5,3\nGY02,供热,zjj,1,5,0,1,2\n")
    assert p.status == "ready", p.errors
    assert (p.rows_new, p.rows_changed) == (1, 1)
    assert ingest.commit(engine, p, actor="admin", scope=ALL).status == "committed"
    with Session(engine) as s:
        zj = s.execute(select(Category).where(Category.code == "ZJ01")).scalar_one()
    assert (zj.sign_days, zj.reply_days, zj.urgent_reply_days) == (2, 15, 5)
    tid = new_ticket(engine, when=datetime(2026, 11, 2, 2, tzinfo=UTC))
    with session_scope(engine) as s:
        t = svc.act(session=s, actor=OPERATOR, ticket_id=tid, action="dispatch",
                    department_id=depts["210102003"], now=datetime(2026, 11, 2, 2, tzinfo=UTC))
    # Monday Nov 2: sign-for in 2 working days, the reply in 15 (three weeks, no holiday)
    assert (t.sign_due, t.reply_due) == (date(2026, 11, 4), date(2026, 11, 23))


def test_bad_catalog_rows_name_row_and_column(engine):
    build_org(engine)
    p = _prepare(engine, HEADER + "ZJ01,物业管理,zjj,1,3,0,5,3\nzz,小写代码,zjj,1,5,0,1,2\nSC01,食品,scjg,1,0,0,1,2\n")
    assert p.status == "rejected"
    found = sorted(zip(p.errors["row"].to_list(), p.errors["field"].to_list(),
                       p.errors["key"].to_list(), strict=True))
    assert found == [(2, "urgent_reply_days", "feedback.upload.err_limit"),
                     (3, "code", "ingest.err_pattern"),
                     (4, "reply_days", "ingest.err_below"),
                     (4, "urgent_reply_days", "feedback.upload.err_limit")]  # 1 > 0 as well
    with Session(engine) as s:
        assert s.execute(select(Category.reply_days).where(Category.code == "ZJ01")).scalar_one() == 10


# ---------------------------------------------------------------- tickets as a file (the desk)
TICKET_HEADER = "渠道,来源编号,受理日期,受理时间,诉求类别代码,紧急程度,所属区划代码,地址,诉求内容,联系电话,同意公开\n"
TWO_TICKETS = (TICKET_HEADER
               + "12345热线,GD2026110200017,2026-11-02,9:30,ZJ01,一般,210102,和平区中山路1号,"
                 "小区电梯长期故障无人维修,13812345678,是\n"
               + "民心网,MX-88,2026-11-03,,SC01,紧急,210102,,超市出售过期食品无人处理,,否\n")
COUNTY = Scope(region_codes=frozenset({"210102"}))


def _prepare_tickets(engine, content: str, *, scope=ALL):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        return ingest.prepare("feedback_tickets", "工单.csv", content.encode("utf-8"), session=s,
                              actor="hotline", scope=scope, roles=("data_officer",))


def test_desk_uploads_tickets_each_registered_once_with_contact_hidden(engine):
    build_org(engine)
    p = _prepare_tickets(engine, TWO_TICKETS)
    assert p.status == "ready", p.errors
    assert (p.rows_new, p.rows_changed, p.rows_unchanged) == (2, 0, 0)
    assert ingest.commit(engine, p, actor="hotline", scope=ALL).status == "committed"
    with Session(engine) as s:
        rows = s.execute(select(Ticket).order_by(Ticket.source_no)).scalars().all()
        events = s.execute(select(TicketEvent.action, TicketEvent.at, TicketEvent.to_status)
                           .order_by(TicketEvent.id)).all()
    got = [(t.channel, t.source_no, t.category_code, t.urgency, t.status, t.contact_mask,
            t.published, t.received_at.astimezone(UTC)) for t in rows]
    assert got == [
        ("12345", "GD2026110200017", "ZJ01", "normal", "received", "138****5678", True,
         datetime(2026, 11, 2, 1, 30, tzinfo=UTC)),          # 09:30 in Shanghai
        ("minxin", "MX-88", "SC01", "urgent", "received", "", False,
         datetime(2026, 11, 3, 1, 0, tzinfo=UTC)),           # no time: 09:00
    ]
    assert [t.ticket_no[:10] for t in rows] == ["S520261102", "S520261103"]
    assert "13812345678" not in (rows[0].contact_cipher or "") and rows[0].contact_hash
    assert [(a, at.astimezone(UTC), st) for a, at, st in events] == [
        ("receive", datetime(2026, 11, 2, 1, 30, tzinfo=UTC), "received"),
        ("receive", datetime(2026, 11, 3, 1, 0, tzinfo=UTC), "received")]
    # the same export again registers nothing
    again = _prepare_tickets(engine, TWO_TICKETS)
    assert (again.status, again.rows_new, again.rows_unchanged) == ("unchanged", 0, 2)
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 2


def test_bad_ticket_rows_name_row_and_column_and_write_nothing(engine):
    build_org(engine)
    assert ingest.commit(engine, _prepare_tickets(engine, TWO_TICKETS), actor="hotline",
                         scope=ALL).status == "committed"
    bad = (TICKET_HEADER
           + "传真,FX1,2026-11-04,10:00,ZJ01,一般,210102,,楼道堆物堵塞消防通道,,是\n"
           + "来信,LX1,2026-11-04,25:00,XX99,一般,210102,,噪音,,是\n"
           + "来访,LF1,2026-11-04,10:00,ZJ01,一般,210203,,路灯损坏多日无人修理,,是\n")
    p = _prepare_tickets(engine, bad, scope=COUNTY)
    assert p.status == "rejected"
    found = sorted(zip(p.errors["row"].to_list(), p.errors["field"].to_list(),
                       p.errors["key"].to_list(), strict=True))
    assert found == [(2, "channel", "ingest.err_choice"),
                     (3, "category_code", "ingest.err_ref_missing"),
                     (3, "content", "feedback.upload.err_content_short"),
                     (3, "received_time", "ingest.err_time"),
                     (4, "region_code", "ingest.err_out_of_scope")]
    # a registered ticket cannot be edited by a new file
    p = _prepare_tickets(engine, TICKET_HEADER
                         + "12345热线,GD2026110200017,2026-11-02,09:30,ZJ01,一般,210102,和平区中山路1号,"
                           "电梯修好了又坏了无人管,13812345678,是\n", scope=COUNTY)
    assert p.status == "rejected"
    assert list(zip(p.errors["row"], p.errors["field"], p.errors["key"], strict=True)) == [
        (2, "content", "ingest.err_fixed")]
    # a category taken out of use takes no new tickets
    with session_scope(engine) as s:
        s.execute(update(Category).where(Category.code == "SC01").values(active=False))
    p = _prepare_tickets(engine, TICKET_HEADER
                         + "来信,LX2,2026-11-04,10:00,SC01,一般,210102,,超市出售过期食品,,是\n",
                         scope=COUNTY)
    assert list(zip(p.errors["row"], p.errors["field"], p.errors["key"], strict=True)) == [
        (2, "category_code", "feedback.upload.err_category_inactive")]
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Ticket)).scalar_one() == 2


def test_a_department_officer_may_not_upload_tickets(engine):
    depts = build_org(engine)
    officer = Scope(region_codes=frozenset({"210102"}), department_id=depts["210102003"])
    with pytest.raises(ingest.IngestError) as err, session_scope(engine) as s:
        ingest.prepare("feedback_tickets", "工单.csv", TWO_TICKETS.encode("utf-8"), session=s,
                       actor="dept", scope=officer, roles=("data_officer",))
    assert err.value.key == "ingest.err_kind_desk_only"

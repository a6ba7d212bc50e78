"""The dispatch catalog through the shared upload pipeline: an admin changes a category's
limits (the next dispatch uses them); a bad row is refused naming row and column."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlmodel import Session

from models.db import session_scope
from models.feedback import Category
from services.feedback import tickets as svc
from services.platform import ingest
from services.platform.scope import ALL
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

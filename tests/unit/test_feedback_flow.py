"""S5 ticket loop: the transition table (every allowed and every refused move), the services
that apply it (roles, preconditions, events, audit) and the deadlines in working days across
the 2026 National Day holiday, a make-up Saturday and approved extensions."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, insert, select
from sqlmodel import Session

from metrics.feedback.flow import ACTIONS, STATUSES, allowed_actions, target_of
from models.audit import AuditEvent
from models.db import session_scope
from models.feedback import Category, Ticket, TicketCreate, TicketEvent
from models.org import Department, Region
from services.feedback import tickets as svc
from services.platform.scope import ALL, Scope

# (action, from, to): the loop as the 12345 norm describes it, written out independently of
# the table in metrics/feedback/flow.py
ALLOWED = {
    ("dispatch", "received", "dispatched"), ("direct_reply", "received", "replied"),
    ("merge", "received", "merged"), ("merge", "dispatched", "merged"),
    ("sign", "dispatched", "signed"),
    ("return", "dispatched", "returned"), ("return", "signed", "returned"),
    ("approve_return", "returned", "received"), ("reject_return", "returned", "dispatched"),
    ("reassign", "dispatched", "dispatched"), ("reassign", "signed", "dispatched"),
    ("reassign", "processing", "dispatched"),
    ("process", "signed", "processing"),
    ("request_extension", "signed", "signed"), ("request_extension", "processing", "processing"),
    ("approve_extension", "signed", "signed"), ("approve_extension", "processing", "processing"),
    ("reject_extension", "signed", "signed"), ("reject_extension", "processing", "processing"),
    ("reply", "processing", "replied"), ("visit", "replied", "visited"),
    ("evaluate", "visited", "evaluated"), ("close", "evaluated", "closed"),
    ("reopen", "evaluated", "dispatched"),
}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("status", STATUSES)
def test_transition_table_allows_exactly_the_loop(action, status):
    expected = next((to for a, fr, to in ALLOWED if a == action and fr == status), None)
    assert target_of(action, status) == expected


def test_terminal_statuses_allow_nothing_and_unknown_action_is_refused():
    assert allowed_actions("closed") == [] and allowed_actions("merged") == []
    assert target_of("teleport", "received") is None
    assert allowed_actions("received", "operator") == ["dispatch", "direct_reply", "merge"]
    assert allowed_actions("dispatched", "department") == ["sign", "return"]


# ---- services on a small organisation --------------------------------------------------

def build_org(engine) -> dict[str, int]:  # noqa: ANN001
    """Province 210000 > city 210100 > county 210102; two departments in the county; two
    catalog lines (reply in 10 working days, urgent in 3, sign-for in 1 / same day)."""
    with session_scope(engine) as s:
        s.execute(insert(Region), [
            dict(code="210000", name="辽宁省", level="province", parent_code=None, path="210000/"),
            dict(code="210100", name="沈阳市", level="city", parent_code="210000", path="210000/210100/"),
            dict(code="210102", name="和平区", level="county", parent_code="210100",
                 path="210000/210100/210102/")])
        s.execute(insert(Department), [
            dict(code="210102003", name="和平区住房和城乡建设局", region_code="210102", kind="zjj", active=True),
            dict(code="210102004", name="和平区市场监督管理局", region_code="210102", kind="scjg", active=True)])
        s.add(Category(code="ZJ01", name="物业管理", department_kind="zjj", sign_days=1, reply_days=10,
                       urgent_sign_days=0, urgent_reply_days=3, visit_days=3))
        s.add(Category(code="SC01", name="食品安全", department_kind="scjg", sign_days=1, reply_days=5,
                       urgent_sign_days=0, urgent_reply_days=2, visit_days=2))
    with Session(engine) as s:
        return dict(s.execute(select(Department.code, Department.id)).all())


def at(y: int, m: int, d: int, hour: int = 10) -> datetime:
    """hour:00 China time as aware UTC."""
    return datetime(y, m, d, hour - 8, tzinfo=UTC)


OPERATOR = svc.Actor("hotline", ("data_officer",), None, ALL)


def dept_actor(dept_id: int) -> svc.Actor:
    return svc.Actor(f"dept{dept_id}", ("data_officer",), dept_id,
                     Scope(region_codes=frozenset({"210102"}), department_id=dept_id))


def new_ticket(engine, *, when: datetime, urgency: str = "normal", contact: str = "13812345678",  # noqa: ANN001
               category: str = "ZJ01", address: str = "和平区中山路1号") -> int:
    with session_scope(engine) as s:
        t, code = svc.create_ticket(session=s, actor="hotline", scope=ALL, now=when, data=TicketCreate(
            channel="12345", category_code=category, region_code="210102", address=address,
            content="小区电梯长期故障无人维修，物业不作为", contact=contact, urgency=urgency))
    assert len(code) == 6
    return t.id


def step(engine, actor, tid, action, when, **kw):  # noqa: ANN001, ANN003, ANN201
    with session_scope(engine) as s:
        return svc.act(session=s, actor=actor, ticket_id=tid, action=action, now=when, **kw)


def test_whole_loop_with_deadlines_across_national_day(engine):
    depts = build_org(engine)
    zjj = depts["210102003"]
    tid = new_ticket(engine, when=at(2026, 9, 30, 9))
    t = step(engine, OPERATOR, tid, "dispatch", at(2026, 9, 30), department_id=zjj)
    # Oct 1–7 are holidays: sign-for on the first working day after, the reply on the 10th
    # (Oct 8, 9, Saturday Oct 10 is a make-up workday, 12–16, 19, 20)
    assert (t.status, t.sign_due, t.reply_due) == ("dispatched", date(2026, 10, 8), date(2026, 10, 20))
    assert t.contact == "138****5678"
    me = dept_actor(zjj)
    t = step(engine, me, tid, "sign", at(2026, 10, 8))
    assert t.contact == "13812345678"  # the handling department reads the number
    step(engine, me, tid, "process", at(2026, 10, 8))
    step(engine, me, tid, "request_extension", at(2026, 10, 9), days=3, note="需现场勘查")
    t = step(engine, OPERATOR, tid, "approve_extension", at(2026, 10, 9))
    assert (t.reply_due, t.extension_days, t.extension_pending) == (date(2026, 10, 23), 3, 0)
    t = step(engine, me, tid, "reply", at(2026, 10, 22), note="已督促物业更换电梯主板")
    assert (t.status, t.visit_due) == ("replied", date(2026, 10, 27))
    step(engine, OPERATOR, tid, "visit", at(2026, 10, 23), resolved=False)
    step(engine, OPERATOR, tid, "evaluate", at(2026, 10, 23), satisfaction="unsatisfied")
    with pytest.raises(svc.FeedbackError) as err:
        step(engine, OPERATOR, tid, "close", at(2026, 10, 23))
    assert err.value.key == "feedback.err.close_unsatisfied"
    t = step(engine, OPERATOR, tid, "reopen", at(2026, 10, 23))
    # Friday Oct 23: ten working days again, the earlier extension no longer counts
    assert (t.status, t.reopen_count, t.reply_due, t.extension_days) == (
        "dispatched", 1, date(2026, 11, 6), 0)
    assert t.reply is None and t.satisfaction is None
    for action, kw in (("sign", {}), ("process", {}), ("reply", {"note": "电梯已修复"})):
        step(engine, me, tid, action, at(2026, 10, 26), **kw)
    step(engine, OPERATOR, tid, "visit", at(2026, 10, 27), resolved=True)
    step(engine, OPERATOR, tid, "evaluate", at(2026, 10, 27), satisfaction="satisfied")
    t = step(engine, OPERATOR, tid, "close", at(2026, 10, 27))
    assert t.status == "closed"
    with Session(engine) as s:
        actions = s.execute(select(TicketEvent.action).where(TicketEvent.ticket_id == tid)
                            .order_by(TicketEvent.id)).scalars().all()
        audited = s.execute(select(func.count()).select_from(AuditEvent)
                            .where(AuditEvent.action.startswith("feedback."))).scalar_one()
    assert actions == ["receive", "dispatch", "sign", "process", "request_extension",
                       "approve_extension", "reply", "visit", "evaluate", "reopen", "sign",
                       "process", "reply", "visit", "evaluate", "close"]
    assert audited == len(actions)


def test_urgent_same_day_limit_on_a_holiday_moves_to_next_working_day(engine):
    depts = build_org(engine)
    tid = new_ticket(engine, when=at(2026, 10, 3), urgency="urgent")
    t = step(engine, OPERATOR, tid, "dispatch", at(2026, 10, 3), department_id=depts["210102003"])
    # limit 0 on a holiday: the next working day; 3 working days: Oct 8, 9, 10 (make-up)
    assert (t.sign_due, t.reply_due) == (date(2026, 10, 8), date(2026, 10, 10))
    t = step(engine, OPERATOR, tid, "reassign", at(2026, 10, 9), department_id=depts["210102004"])
    # the clock restarts for the new department: sign today (a working day), reply in 3:
    # Oct 10 (Saturday, make-up), 12, 13
    assert (t.sign_due, t.reply_due, t.department_id) == (date(2026, 10, 9), date(2026, 10, 13),
                                                          depts["210102004"])


def test_return_is_reviewed_before_redispatch(engine):
    depts = build_org(engine)
    zjj, sc = depts["210102003"], depts["210102004"]
    tid = new_ticket(engine, when=at(2026, 11, 2))
    step(engine, OPERATOR, tid, "dispatch", at(2026, 11, 2), department_id=sc)
    with pytest.raises(svc.FeedbackError) as err:
        step(engine, dept_actor(sc), tid, "return", at(2026, 11, 2))
    assert err.value.key == "feedback.err.note_required"
    t = step(engine, dept_actor(sc), tid, "return", at(2026, 11, 2), note="不属于本部门职责")
    assert (t.status, t.return_count) == ("returned", 1)
    with pytest.raises(svc.FeedbackError):  # no dispatch before the review
        step(engine, OPERATOR, tid, "dispatch", at(2026, 11, 2), department_id=zjj)
    t = step(engine, OPERATOR, tid, "approve_return", at(2026, 11, 3))
    assert (t.status, t.department_id, t.reply_due) == ("received", None, None)
    t = step(engine, OPERATOR, tid, "dispatch", at(2026, 11, 3), department_id=zjj)
    assert (t.status, t.department_id, t.reply_due) == ("dispatched", zjj, date(2026, 11, 17))
    t = step(engine, dept_actor(zjj), tid, "return", at(2026, 11, 4), note="再退")
    t = step(engine, OPERATOR, tid, "reject_return", at(2026, 11, 4), note="属于住建职责，请办理")
    assert (t.status, t.department_id, t.return_count) == ("dispatched", zjj, 2)


def test_refused_moves_name_the_reason(engine):
    depts = build_org(engine)
    zjj, sc = depts["210102003"], depts["210102004"]
    tid = new_ticket(engine, when=at(2026, 11, 2))
    cases = [
        (dept_actor(zjj), "dispatch", {"department_id": zjj}, "feedback.err.not_found"),  # not yet theirs
        (OPERATOR, "sign", {}, "feedback.err.transition"),
        (OPERATOR, "dispatch", {}, "feedback.err.department_required"),
        (OPERATOR, "fly", {}, "feedback.err.transition"),
        (OPERATOR, "merge", {"master_id": tid}, "feedback.err.merge_target"),
    ]
    for actor, action, kw, key in cases:
        with pytest.raises(svc.FeedbackError) as err:
            step(engine, actor, tid, action, at(2026, 11, 2), **kw)
        assert err.value.key == key, (action, err.value.key)
    step(engine, OPERATOR, tid, "dispatch", at(2026, 11, 2), department_id=zjj)
    refused = [
        (dept_actor(sc), "sign", "feedback.err.not_found"),   # another department: out of scope
        (OPERATOR, "sign", "feedback.err.not_allowed"),       # the operator does not sign for them
        (dept_actor(zjj), "reply", "feedback.err.transition"),  # not signed yet
        (dept_actor(zjj), "approve_extension", "feedback.err.transition"),
    ]
    for actor, action, key in refused:
        with pytest.raises(svc.FeedbackError) as err:
            step(engine, actor, tid, action, at(2026, 11, 2), note="x")
        assert err.value.key == key, (action, err.value.key)
    step(engine, dept_actor(zjj), tid, "sign", at(2026, 11, 2))
    with pytest.raises(svc.FeedbackError) as err:
        step(engine, dept_actor(zjj), tid, "approve_extension", at(2026, 11, 2))
    assert err.value.key == "feedback.err.not_allowed"
    with pytest.raises(svc.FeedbackError) as err:
        step(engine, OPERATOR, tid, "approve_extension", at(2026, 11, 2))
    assert err.value.key == "feedback.err.no_extension"
    with pytest.raises(svc.FeedbackError) as err:
        step(engine, dept_actor(zjj), tid, "request_extension", at(2026, 11, 2), days=31, note="x")
    assert err.value.key == "feedback.err.extension_days"
    with Session(engine) as s:  # nothing of the refused moves was written
        assert s.get(Ticket, tid).status == "signed"
        assert s.execute(select(func.count()).select_from(TicketEvent)).scalar_one() == 3


def test_merge_and_direct_reply(engine):
    depts = build_org(engine)
    master = new_ticket(engine, when=at(2026, 11, 2))
    dup = new_ticket(engine, when=at(2026, 11, 3))
    other = new_ticket(engine, when=at(2026, 11, 3), contact="", address="沈河区青年大街5号")
    with Session(engine) as s:  # same contact within 30 days: flagged as a repeat at intake
        assert s.get(Ticket, dup).repeat_of_id == master
        assert s.get(Ticket, other).repeat_of_id is None
    step(engine, OPERATOR, master, "dispatch", at(2026, 11, 3), department_id=depts["210102003"])
    t = step(engine, OPERATOR, dup, "merge", at(2026, 11, 3), master_id=master)
    assert (t.status, t.merged_into_id) == ("merged", master)
    with pytest.raises(svc.FeedbackError):
        step(engine, OPERATOR, other, "merge", at(2026, 11, 3), master_id=dup)  # into a merged one
    t = step(engine, OPERATOR, other, "direct_reply", at(2026, 11, 3), note="已告知办理渠道")
    assert (t.status, t.department_id, t.visit_due) == ("replied", None, date(2026, 11, 6))

"""A data officer uploads approval cases, steps and a suspension through the shared pipeline;
the new cases' lights appear (the import hook runs the alert sync). Bad rows are refused with
the row and column named, and nothing is written."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import china_today
from models.db import session_scope
from models.esupervision import ApprovalCase, CaseStep, CaseSuspension
from models.lights import Alert
from models.power import Power
from models.users import User
from services.lights.queue import drain, pending
from services.platform import ingest
from services.platform.scope import scope_for
from services.power.catalog import in_force_clause


def _officer(engine, username: str):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return user, scope_for(user, session=s)


def _prepare(engine, kind: str, name: str, content: bytes, **kwargs):  # noqa: ANN001, ANN003, ANN202
    with session_scope(engine) as s:
        return ingest.prepare(kind, name, content, session=s, **kwargs)


def _online_power(engine, dept_id: int) -> Power:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(Power).where(in_force_clause(), Power.department_id == dept_id,
                                             Power.online_available.is_(True),
                                             Power.promised_limit_days >= 5)
                         .order_by(Power.id)).scalars().first()


def test_officer_uploads_cases_and_lights_appear(seeded):
    user, scope = _officer(seeded, "county_data")
    power = _online_power(seeded, user.department_id)
    day = china_today() - timedelta(days=40)
    done = day + timedelta(days=7)
    cases = ("办件编号,职权编码,受理渠道,受理日期,受理时间,办理状态,办结日期,办结时间,不予许可理由,实收费用\n"
             f"UP-0001,{power.current_code},窗口,{day},10:15,已办结,{done},16:00,,{(power.fee_standard or 0) + 50}\n"
             f"UP-0002,{power.current_code},网上,{day},09:00,不予许可,{done},,,0\n")
    prepared = _prepare(seeded, "approval_cases", "办件.csv", cases.encode("utf-8"),
                        actor=user.username, scope=scope)
    assert prepared.status == "ready", prepared.errors
    assert prepared.rows_new == 2
    assert ingest.commit(seeded, prepared, actor=user.username, scope=scope).status == "committed"
    steps = ("办件编号,步骤序号,开始日期,开始时间,完成日期,完成时间,经办人\n"
             f"UP-0001,1,{day},10:15,{day},11:00,王经办\n")
    susp = ("办件编号,中止类型,中止开始日期,中止结束日期,中止理由\n"
            f"UP-0001,补正材料,{day + timedelta(days=1)},{day + timedelta(days=2)},\n")
    for kind, content in (("case_steps", steps), ("case_suspensions", susp)):
        p = _prepare(seeded, kind, f"{kind}.csv", content.encode("utf-8"),
                     actor=user.username, scope=scope)
        assert p.status == "ready", p.errors
        assert ingest.commit(seeded, p, actor=user.username, scope=scope).status == "committed"
    assert pending(seeded) == 3  # one sync request per import; the lights follow in the worker
    drain(seeded)
    assert pending(seeded) == 0
    with Session(seeded) as s:
        case = s.execute(select(ApprovalCase).where(ApprovalCase.case_no == "UP-0001")).scalar_one()
        assert (case.department_id, case.promised_limit_days, case.channel) == (
            user.department_id, power.promised_limit_days, "window")
        assert case.received_at.hour == 2 and case.received_at.minute == 15  # 10:15 in Shanghai
        assert s.execute(select(func.count()).select_from(CaseStep)
                         .where(CaseStep.case_id == case.id)).scalar_one() == 1
        assert s.execute(select(func.count()).select_from(CaseSuspension)
                         .where(CaseSuspension.case_id == case.id)).scalar_one() == 1
        lights = {(a.rule_id, a.subject_id): json.loads(a.facts) for a in s.execute(
            select(Alert).where(Alert.subject_id.like("UP-%"))).scalars()}
    # window although online (AP-Y5), fee above the standard (AP-R3), rejected without a
    # reason (AP-Y4), a suspension without a reason (AP-Y3); the path 1 alone skips steps (AP-R2)
    assert {k for k in lights} == {("AP-Y5", "UP-0001"), ("AP-R3", "UP-0001"), ("AP-Y4", "UP-0002"),
                                   ("AP-R2", "UP-0001"),
                                   ("AP-Y3", next(sid for r, sid in lights if r == "AP-Y3"))}
    # exact money: the facts hold the amount as decimal text
    assert Decimal(lights[("AP-R3", "UP-0001")]["fee_charged"]) == (power.fee_standard or 0) + 50


def test_bad_case_rows_are_refused_naming_row_and_column(seeded):
    user, scope = _officer(seeded, "county_data")
    power = _online_power(seeded, user.department_id)
    with Session(seeded) as s:
        other = s.execute(select(Power.current_code).where(
            Power.current_code.is_not(None), Power.region_code != user.region_code)
            .order_by(Power.id)).scalars().first()
        before = s.execute(select(func.count()).select_from(ApprovalCase)).scalar_one()
    bad = ("办件编号,职权编码,受理渠道,受理日期,办理状态,办结日期\n"
           f"UP-1,{power.current_code},窗口,2026-05-10,已办结,2026-05-01\n"
           f"UP-2,{power.current_code},邮寄,2026-05-10,办理中,\n"
           f"UP-3,{other},网上,2026-05-10,办理中,\n")
    p = _prepare(seeded, "approval_cases", "bad.csv", bad.encode("utf-8"),
                 actor=user.username, scope=scope)
    assert p.status == "rejected"
    found = sorted(zip(p.errors["row"].to_list(), p.errors["field"].to_list(),
                       p.errors["key"].to_list(), strict=True))
    # Excel rows 2..4 (header is row 1): dates in the wrong order, an unknown channel, and a
    # power of a department in another region
    assert found == [(2, "finished_on", "esupervision.upload.err_finished_before"),
                     (3, "channel", "ingest.err_choice"),
                     # once, on the column the user typed (never on the fetched department_id)
                     (4, "power_code", "ingest.err_ref_unavailable")]
    with Session(seeded) as s:
        assert s.execute(select(func.count()).select_from(ApprovalCase)).scalar_one() == before

"""Issue 11 at the upload: suspensions are refused when open on a concluded case, outside the
case's dates or overlapping (another row of the file or one already stored, by file or by the
entry form); amounts are exact (a third decimal is refused, payments that add
up to the budget raise no FD-R1 once stored and read back on either database); a case that
comes back to a step is stored pass by pass. Row and column are named; nothing is written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import china_today
from data_checks.errors import render_errors
from data_checks.kinds import get_kind
from models.db import session_scope
from models.esupervision import ApprovalCase, CaseSuspension, FundPayment, SpecialFund
from models.lights import Alert
from models.org import Department
from models.power import Power
from models.users import User
from services.lights.inputs import load_inputs
from services.lights.queue import drain
from services.platform import ingest
from services.platform.scope import scope_for
from services.power.catalog import in_force_clause


def _officer(engine, username: str):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return user, scope_for(user, session=s)


def _upload(engine, user, scope, kind: str, text: str):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        prepared = ingest.prepare(kind, f"{kind}.csv", text.encode("utf-8"), session=s,
                                  actor=user.username, scope=scope)
    if prepared.status == "ready":
        return ingest.commit(engine, prepared, actor=user.username, scope=scope)
    return prepared


def _errors(p) -> list[tuple]:  # noqa: ANN001
    return sorted(zip(p.errors["row"].to_list(), p.errors["field"].to_list(),
                      p.errors["key"].to_list(), strict=True))


def _count(engine, model) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model)).scalar_one()


def _two_cases(engine, user, scope):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        power = s.execute(select(Power).where(in_force_clause(), Power.department_id == user.department_id)
                          .order_by(Power.id)).scalars().first()
    day = china_today() - timedelta(days=40)
    done = day + timedelta(days=10)
    cases = ("办件编号,职权编码,受理渠道,受理日期,办理状态,办结日期,实收费用\n"
             f"SU-0001,{power.current_code},网上,{day},已办结,{done},0\n"
             f"SU-0002,{power.current_code},网上,{day},办理中,,0\n")
    assert _upload(engine, user, scope, "approval_cases", cases).status == "committed"
    return day, done


def test_bad_suspensions_are_refused_row_by_row(seeded):
    user, scope = _officer(seeded, "county_data")
    day, done = _two_cases(seeded, user, scope)
    before = _count(seeded, CaseSuspension)
    bad = ("办件编号,中止类型,中止开始日期,中止结束日期,中止理由\n"
           f"SU-0001,补正材料,{day + timedelta(days=2)},,补正\n"                      # open, case concluded
           f"SU-0001,听证,{day - timedelta(days=1)},{day + timedelta(days=1)},听证\n"  # before receipt
           f"SU-0001,专家评审,{done},{done + timedelta(days=1)},评审\n"                 # past conclusion
           f"SU-0002,补正材料,{day + timedelta(days=1)},{day + timedelta(days=3)},补正\n"
           f"SU-0002,检验检测,{day + timedelta(days=3)},{day + timedelta(days=5)},检测\n"  # shares day+3
           f"SU-0002,其他,{day + timedelta(days=8)},,仍在中止\n")                          # fine: case open
    p = _upload(seeded, user, scope, "case_suspensions", bad)
    assert p.status == "rejected"
    # (the open one on row 2 also runs into the later one on row 4: an overlap too)
    assert _errors(p) == [(2, "end_on", "esupervision.upload.err_open_on_concluded"),
                          (2, "start_on", "esupervision.upload.err_suspension_overlap"),
                          (3, "start_on", "esupervision.upload.err_suspension_before_receipt"),
                          (4, "end_on", "esupervision.upload.err_suspension_after_conclusion"),
                          (5, "start_on", "esupervision.upload.err_suspension_overlap")]
    assert _count(seeded, CaseSuspension) == before  # all or nothing
    good = ("办件编号,中止类型,中止开始日期,中止结束日期,中止理由\n"
            f"SU-0001,补正材料,{day},{day + timedelta(days=2)},补正\n"  # from the day of receipt: allowed
            f"SU-0002,补正材料,{day + timedelta(days=1)},{day + timedelta(days=2)},补正\n"
            f"SU-0002,检验检测,{day + timedelta(days=3)},{day + timedelta(days=5)},检测\n")
    assert _upload(seeded, user, scope, "case_suspensions", good).status == "committed"
    assert _count(seeded, CaseSuspension) == before + 3


def _suspensions(engine, case_no: str) -> list[tuple]:  # noqa: ANN001
    with Session(engine) as s:
        return [tuple(r) for r in s.execute(
            select(CaseSuspension.start_on, CaseSuspension.end_on)
            .join(ApprovalCase, ApprovalCase.id == CaseSuspension.case_id)
            .where(ApprovalCase.case_no == case_no).order_by(CaseSuspension.start_on)).all()]


def test_a_suspension_overlapping_a_stored_one_is_refused(seeded):
    user, scope = _officer(seeded, "county_data")
    day, _ = _two_cases(seeded, user, scope)
    d = lambda n: day + timedelta(days=n)  # noqa: E731
    head = "办件编号,中止类型,中止开始日期,中止结束日期,中止理由\n"
    stored = head + f"SU-0002,补正材料,{d(1)},{d(3)},补正\nSU-0002,其他,{d(8)},,仍在中止\n"
    assert _upload(seeded, user, scope, "case_suspensions", stored).status == "committed"
    before = _count(seeded, CaseSuspension)
    bad = (head + f"SU-0002,检验检测,{d(3)},{d(5)},检测\n"      # shares d(3) with the stored one
           f"SU-0002,专家评审,{d(20)},{d(21)},评审\n"          # inside the stored open one
           f"SU-0001,补正材料,{d(1)},{d(3)},补正\n")           # another case: fine
    p = _upload(seeded, user, scope, "case_suspensions", bad)
    key = "esupervision.upload.err_suspension_overlap_stored"
    assert p.status == "rejected"
    assert _errors(p) == [(2, "start_on", key), (3, "start_on", key)]
    shown = render_errors(p.errors, get_kind("case_suspensions").headers(), "zh_CN")
    assert shown.row(0) == (2, "中止开始日期", str(d(3)), "与该办件已登记的中止时段重叠（同一天只能中止一次）；"
                                                        "更正已登记的中止请沿用其原开始日期。")
    assert _count(seeded, CaseSuspension) == before  # nothing written
    # the entry form goes through the same check
    with session_scope(seeded) as s:
        form = ingest.prepare_record("case_suspensions", {
            "case_no": "SU-0002", "kind": "检验检测", "start_on": d(3), "end_on": d(5),
            "reason": "检测"}, session=s, actor=user.username, scope=scope)
    assert form.status == "rejected" and _errors(form) == [(2, "start_on", key)]
    assert _count(seeded, CaseSuspension) == before
    # a stored suspension is corrected under its own start date: shortened and closed, it no
    # longer overlaps the new one
    fix = (head + f"SU-0002,补正材料,{d(1)},{d(2)},补正\n"
           f"SU-0002,检验检测,{d(3)},{d(5)},检测\nSU-0002,其他,{d(8)},{d(9)},已恢复\n")
    assert _upload(seeded, user, scope, "case_suspensions", fix).status == "committed"
    assert _suspensions(seeded, "SU-0002") == [(d(1), d(2)), (d(3), d(5)), (d(8), d(9))]
    assert _count(seeded, CaseSuspension) == before + 1


def test_a_step_passed_twice_keeps_both_passes(seeded):
    user, scope = _officer(seeded, "county_data")
    day, _ = _two_cases(seeded, user, scope)
    steps = ("办件编号,步骤序号,办理次数,开始日期,完成日期\n"
             f"SU-0001,1,,{day},{day}\n"
             f"SU-0001,2,1,{day + timedelta(days=1)},{day + timedelta(days=2)}\n"
             f"SU-0001,1,2,{day + timedelta(days=3)},{day + timedelta(days=3)}\n"
             f"SU-0001,2,2,{day + timedelta(days=4)},{day + timedelta(days=5)}\n")
    assert _upload(seeded, user, scope, "case_steps", steps).status == "committed"
    frames = load_inputs(seeded, {"ap_cases", "ap_steps"})
    case_id = frames["ap_cases"].filter(pl.col("case_no") == "SU-0001")["case_id"][0]
    walk = frames["ap_steps"].filter(pl.col("case_id") == case_id).sort("step_order")
    assert walk.select("seq", "pass_no", "step_order").rows() == [(1, 1, 1), (2, 1, 2), (1, 2, 3), (2, 2, 4)]
    # the same (case, step, pass) twice in one file is refused on the pass
    dup = ("办件编号,步骤序号,办理次数,开始日期\n"
           f"SU-0002,1,1,{day}\nSU-0002,1,1,{day + timedelta(days=1)}\nSU-0002,1,100,{day}\n")
    p = _upload(seeded, user, scope, "case_steps", dup)
    assert _errors(p) == [(3, "case_no", "ingest.err_duplicate_key"), (4, "pass_no", "ingest.err_above")]


def test_amounts_are_exact_from_upload_to_light(seeded):
    user, scope = _officer(seeded, "county_data")
    with Session(seeded) as s:
        dept = s.get(Department, user.department_id)
    year = china_today().year
    fund = ("资金编号,资金名称,部门代码,年度,预算金额,下达日期,审批限额\n"
            f"ZX-EXACT-001,精确资金,{dept.code},{year},161671.22,{china_today() - timedelta(days=30)},100000\n")
    assert _upload(seeded, user, scope, "special_funds", fund).status == "committed"
    paid_on = china_today() - timedelta(days=10)
    amounts = ("42991.62", "10842.23", "43509.89", "47090.12", "17237.36")
    rows = "".join(f"ZX-EXACT-001,V-{i},甲公司,91210102MA0Q1234XY,{a},{paid_on}\n"
                   for i, a in enumerate(amounts))
    head = "资金编号,凭证号,收款单位,统一社会信用代码,支付金额,支付日期\n"
    third_decimal = _upload(seeded, user, scope, "fund_payments",
                            head + f"ZX-EXACT-001,V-9,甲公司,91210102MA0Q1234XY,1.005,{paid_on}\n")
    assert _errors(third_decimal) == [(2, "amount", "ingest.err_money")]
    assert _upload(seeded, user, scope, "fund_payments", head + rows).status == "committed"
    drain(seeded)  # the sync worker's turn
    with Session(seeded) as s:
        fund_id = s.execute(select(SpecialFund.id).where(SpecialFund.code == "ZX-EXACT-001")).scalar_one()
        stored = s.execute(select(FundPayment.amount).where(FundPayment.fund_id == fund_id)
                           .order_by(FundPayment.voucher)).scalars().all()
        assert [str(a) for a in stored] == list(amounts)
        assert not s.execute(select(Alert.id).where(Alert.rule_id == "FD-R1",
                                                    Alert.subject_id == "ZX-EXACT-001")).first()
    payments = load_inputs(seeded, {"fd_payments"})["fd_payments"].filter(
        pl.col("fund_code") == "ZX-EXACT-001")
    assert payments["amount"].sum() == Decimal("161671.22")
    one_more = head + f"ZX-EXACT-001,V-5,甲公司,91210102MA0Q1234XY,0.01,{paid_on}\n"
    last = _upload(seeded, user, scope, "fund_payments", one_more)
    assert last.status == "committed", last.errors
    drain(seeded)
    with Session(seeded) as s:
        assert s.execute(select(Alert.id).where(Alert.rule_id == "FD-R1",
                                                Alert.subject_id == "ZX-EXACT-001")).first()

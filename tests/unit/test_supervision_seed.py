"""The S4 demo: every planted and every organic violation lights up with facts that explain it;
clean cases and funds raise no light; the loaders' working-day columns agree with the official
calendar."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from models.esupervision import ApprovalCase, SpecialFund
from models.lights import Alert
from services.esupervision.seed import ORGANIC_CASES, PLANTED_CASES, PLANTED_FUNDS, Y6_SERIAL
from services.lights.inputs import load_inputs


def _s4_alerts(engine) -> dict[tuple[str, str], dict]:  # noqa: ANN001
    with Session(engine) as s:
        rows = s.execute(select(Alert.rule_id, Alert.subject_id, Alert.facts, Alert.level)
                         .where(Alert.system == "S4")).all()
    return {(r, sid): json.loads(f) | {"_level": lvl} for r, sid, f, lvl in rows}


def test_every_planted_and_organic_violation_lights_and_nothing_else(seeded):
    alerts = _s4_alerts(seeded)
    with Session(seeded) as s:
        cases = {no[-6:]: (no, dept) for no, dept in s.execute(
            select(ApprovalCase.case_no, ApprovalCase.department_id)
            .where(ApprovalCase.case_no.like("%8_____") | ApprovalCase.case_no.like("%9_____"))
        ).all() if no[-6] in "89"}
        funds = {code[-3:]: code for code in s.execute(
            select(SpecialFund.code).where(SpecialFund.code.like("%-9__"))).scalars()}
    expected: set[tuple[str, str]] = set()
    subjects = [(rule, 900000 + k) for rule, serials in PLANTED_CASES.items() for k in serials]
    subjects += [(rule, serial) for rule, serials in ORGANIC_CASES.items() for serial in serials]
    assert {r: len(v) for r, v in ORGANIC_CASES.items()} == {
        "AP-R1": 10, "AP-Y1": 12, "AP-Y2": 4, "AP-Y3": 3, "AP-Y4": 2, "AP-Y5": 4}
    for rule, serial in subjects:
        no = cases[f"{serial:06d}"][0]
        if rule == "AP-Y3":
            sid = next(sid for r, sid in alerts if r == rule and sid.startswith(no + "#"))
            expected.add((rule, sid))
        else:
            expected.add((rule, no))
    y6_no, y6_dept = cases[f"{900000 + Y6_SERIAL:06d}"]
    y6 = [sid for r, sid in alerts if r == "AP-Y6"]
    assert y6 == [next(s for s in y6 if s.startswith(f"{y6_dept}:"))]
    expected.add(("AP-Y6", y6[0]))
    fund_rules = {}
    for rule, k in PLANTED_FUNDS.items():
        code = funds[f"9{k:02d}"]
        sid = next(sid for (r, sid), f in alerts.items() if r == rule and (
            sid == code or sid.startswith(code + ":") or r == "FD-R2"
            or (r == "FD-Y1" and code in f["fund_codes"].split(","))))
        fund_rules[rule] = (code, sid)
        expected.add((rule, sid))
    assert set(alerts) == expected  # clean data raise no S4 light at all
    assert len(expected) == 12 + 35 + 5  # planted cases (AP-Y6 included), organic, funds

    r1 = alerts[("AP-R1", cases["900002"][0])]
    assert r1["_level"] == "red" and r1["status"] == "finished"
    assert date.fromisoformat(r1["finished_on"]) > date.fromisoformat(r1["deadline"])
    open_late = alerts[("AP-R1", cases["900003"][0])]
    assert open_late["finished_on"] is None and open_late["status"] == "in_progress"
    y1 = alerts[("AP-Y1", cases["900001"][0])]
    assert y1["remaining_workdays"] == 1
    y2 = alerts[("AP-Y2", cases["900004"][0])]
    assert y2["step_elapsed_workdays"] == y2["step_limit_days"] + 1
    # money in the facts is exact decimal text
    r3 = alerts[("AP-R3", cases["900007"][0])]
    assert Decimal(r3["fee_charged"]) == Decimal(r3["fee_standard"]) + 120
    long_susp = next(v for (r, sid), v in alerts.items() if r == "AP-Y3" and v["case_no"] == cases["900008"][0])
    assert (long_susp["suspension_workdays"], long_susp["no_reason"]) == (12, False)
    no_reason = next(v for (r, sid), v in alerts.items() if r == "AP-Y3" and v["case_no"] == cases["900009"][0])
    assert no_reason["no_reason"] is True
    assert alerts[("AP-Y6", y6[0])]["median_workdays"] > alerts[("AP-Y6", y6[0])]["fence"] - 1e-9
    over = alerts[("FD-R1", fund_rules["FD-R1"][1])]
    assert Decimal(over["paid"]) > Decimal(over["budget"])
    assert alerts[("FD-R2", fund_rules["FD-R2"][1])]["fund_code"] == fund_rules["FD-R2"][0]
    assert alerts[("FD-Y1", fund_rules["FD-Y1"][1])]["payments_in_window"] == 3
    assert alerts[("FD-Y3", fund_rules["FD-Y3"][1])]["december_share"] > 0.4


def test_loader_timing_matches_the_calendar(seeded):
    frames = load_inputs(seeded, {"ap_cases", "ap_steps"})
    cases = frames["ap_cases"]
    assert cases.height > 5000
    assert cases.filter(pl.col("deadline").is_null()).height == 0
    # a finished clean case: deadline is the limit-th working day after receipt
    done = cases.filter(pl.col("status") == "finished").sort("case_id").row(0, named=True)
    import chinese_calendar

    d, counted = done["received_on"], 0
    while counted < done["limit_days"] + done["suspended_workdays"]:
        d = date.fromordinal(d.toordinal() + 1)
        counted += chinese_calendar.is_workday(d)
    assert done["deadline"] == d
    assert frames["ap_steps"]["step_order"].min() == 1

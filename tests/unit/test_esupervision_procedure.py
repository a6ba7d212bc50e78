"""Issue 11, procedure and comparison: AP-R2 shares the flow validator's start and end steps
(one-step powers, self-loops), keeps every pass of a step (loops back), flags a finished case
without steps and refuses step keys that would overflow; AP-Y6 takes its quartile method as a
parameter (decisive at 4 departments) and groups by power identity."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from metrics.esupervision import rules as r
from metrics.lights.registry import evaluate
from metrics.power.flowchart import (
    MAX_ARC_POWER_ID,
    STEP_SPAN,
    StepKeyOverflow,
    start_and_end_steps,
    validate_flow,
)

CLOCK = pl.DataFrame({"today": [date(2026, 6, 30)]}, schema={"today": pl.Date})


def cases(*rows: dict) -> pl.DataFrame:
    base = dict(case_id=1, case_no="C1", power_id=10, power_code="XK-210102004-001",
                power_category="行政许可", power_name="食品经营许可", power_version=1, department_id=5,
                region_code="210102", channel="online", status="finished",
                received_on=date(2026, 6, 1), finished_on=date(2026, 6, 12), limit_days=10,
                suspended_workdays=0, deadline=date(2026, 6, 15), elapsed_workdays=5,
                fee_charged=0, fee_standard=None, online_available=True, reject_reason=None)
    return pl.DataFrame([base | row for row in rows], schema=r.CASES_SCHEMA)


def steps(case_id: int, path: list[int]) -> list[dict]:
    seen: dict[int, int] = {}
    out = []
    for i, s in enumerate(path):
        seen[s] = seen.get(s, 0) + 1
        out.append(dict(case_id=case_id, seq=s, pass_no=seen[s], step_name=f"S{s}",
                        started_on=date(2026, 6, i + 1), finished_on=date(2026, 6, i + 2),
                        step_limit_days=None, step_elapsed_workdays=1, step_order=i + 1))
    return out


def chart(power_id: int, seqs: list[int], arcs: list[tuple[int, int]]) -> tuple[pl.DataFrame, pl.DataFrame]:
    return (pl.DataFrame({"power_id": [power_id] * len(seqs), "seq": seqs}, schema=r.FLOW_STEPS_SCHEMA),
            pl.DataFrame({"power_id": [power_id] * len(arcs), "from_seq": [a for a, _ in arcs],
                          "to_seq": [b for _, b in arcs]}, schema=r.EDGES_SCHEMA))


def run_r2(c: pl.DataFrame, paths: dict[int, list[int]], flow_steps: pl.DataFrame,
           edges: pl.DataFrame) -> pl.DataFrame:
    st = pl.DataFrame([s for i, p in paths.items() for s in steps(i, p)], schema=r.STEPS_SCHEMA)
    return evaluate(r.AP_R2, {"ap_cases": c, "ap_steps": st, "ap_flow_steps": flow_steps,
                              "ap_flow_edges": edges})


def test_one_step_power_is_not_a_wrong_procedure():
    flow_steps, edges = chart(10, [1], [])
    assert validate_flow(pl.DataFrame({"seq": [1], "name": ["当场办结"], "limit_days": [0]}),
                         edges.drop("power_id"), 0) == []
    out = run_r2(cases(dict(case_id=1, case_no="JB")), {1: [1]}, flow_steps, edges)
    assert out.height == 0  # before: every finished 即办件 was red


def test_self_loop_at_acceptance_passes_validation_and_its_cases_pass_ap_r2():
    flow_steps, edges = chart(10, [1, 2, 3], [(1, 1), (1, 2), (2, 3)])
    starts, ends = start_and_end_steps(flow_steps, edges)
    assert (starts["seq"].to_list(), ends["seq"].to_list()) == ([1], [3])
    assert validate_flow(pl.DataFrame({"seq": [1, 2, 3], "name": ["受理", "审查", "决定"],
                                       "limit_days": [1, 2, 2]}), edges.drop("power_id"), 5) == []
    c = cases(dict(case_id=1, case_no="once"), dict(case_id=2, case_no="twice"),
              dict(case_id=3, case_no="skipped"))
    out = run_r2(c, {1: [1, 2, 3], 2: [1, 1, 2, 3], 3: [1, 3]}, flow_steps, edges)
    assert out["subject_id"].to_list() == ["skipped"]  # before: all three were red


def test_a_loop_back_the_chart_allows_is_kept_pass_by_pass():
    flow_steps, edges = chart(10, [1, 2, 3, 4], [(1, 2), (2, 3), (3, 2), (3, 4)])
    c = cases(dict(case_id=1, case_no="loop"), dict(case_id=2, case_no="bad_loop"))
    out = run_r2(c, {1: [1, 2, 3, 2, 3, 4], 2: [1, 2, 3, 2, 4]}, flow_steps, edges)
    # 1,2,3,2,4: the chart has no 2→4; stored before as its last pass per step (1,3,2,4)
    assert out["subject_id"].to_list() == ["bad_loop"]
    f = json.loads(out["facts"][0])
    assert (f["path"], f["first_bad_seq"], f["no_steps"]) == ("1→2→3→2→4", 2, False)


def test_a_finished_case_without_steps_is_a_wrong_procedure():
    flow_steps, edges = chart(10, [1, 2], [(1, 2)])
    c = cases(dict(case_id=1, case_no="empty"), dict(case_id=2, case_no="fine"),
              dict(case_id=3, case_no="open_empty", status="in_progress", finished_on=None))
    out = run_r2(c, {2: [1, 2]}, flow_steps, edges)
    assert out["subject_id"].to_list() == ["empty"]  # before: not flagged at all
    assert json.loads(out["facts"][0]) == {"case_no": "empty", "power_name": "食品经营许可",
                                           "path": "", "first_bad_seq": None, "no_steps": True}


def test_ap_r2_reads_steps_and_cases_in_any_row_order():
    """The rule sorts only what is not sorted already (the loader's steps are): shuffled rows,
    cases in reverse and a case id sorted after the next case's, give the same alerts."""
    flow_steps, edges = chart(10, [1, 2, 3], [(1, 2), (2, 3)])
    c = cases(dict(case_id=3, case_no="skip"), dict(case_id=1, case_no="fine"),
              dict(case_id=2, case_no="reverse"), dict(case_id=4, case_no="nothing"),
              dict(case_id=5, case_no="open", status="in_progress", finished_on=None))
    paths = {1: [1, 2, 3], 2: [3, 2, 1], 3: [1, 3], 5: [1, 3]}
    st = pl.DataFrame([s for i, p in paths.items() for s in steps(i, p)], schema=r.STEPS_SCHEMA)
    frames = {"ap_cases": c, "ap_flow_steps": flow_steps, "ap_flow_edges": edges}
    ordered = evaluate(r.AP_R2, frames | {"ap_steps": st})
    assert sorted(ordered["subject_id"].to_list()) == ["nothing", "reverse", "skip"]
    for seed in range(5):
        shuffled = evaluate(r.AP_R2, frames | {"ap_steps": st.sample(fraction=1, shuffle=True, seed=seed)})
        assert shuffled.sort("subject_id").equals(ordered.sort("subject_id"))
    facts = {row["subject_id"]: json.loads(row["facts"]) for row in ordered.iter_rows(named=True)}
    assert (facts["reverse"]["path"], facts["reverse"]["first_bad_seq"]) == ("3→2→1", 3)
    assert (facts["skip"]["path"], facts["skip"]["first_bad_seq"]) == ("1→3", 1)


def test_step_keys_that_would_overflow_are_refused():
    flow_steps, edges = chart(MAX_ARC_POWER_ID + 1, [1, 2], [(1, 2)])
    c = cases(dict(case_id=1, power_id=MAX_ARC_POWER_ID + 1))
    with pytest.raises(StepKeyOverflow, match="power id"):
        run_r2(c, {1: [1, 2]}, flow_steps, edges)
    flow_steps, edges = chart(10, [1, STEP_SPAN], [(1, STEP_SPAN)])
    with pytest.raises(StepKeyOverflow, match="step number"):
        run_r2(cases(), {1: [1, STEP_SPAN]}, flow_steps, edges)
    # the largest power id that fits still works
    flow_steps, edges = chart(MAX_ARC_POWER_ID, [1, 2], [(1, 2)])
    assert run_r2(cases(dict(power_id=MAX_ARC_POWER_ID)), {1: [1, 2]}, flow_steps, edges).height == 0


def _y6(medians: dict[int, int], **extra) -> pl.DataFrame:  # noqa: ANN003
    rows, n = [], 0
    for dept, m in medians.items():
        for _ in range(5):
            n += 1
            rows.append(dict(case_id=n, case_no=f"K{n}", department_id=dept,
                             power_code=f"XK-{dept}-001", elapsed_workdays=m) | extra)
    return cases(*rows)


def test_ap_y6_quartile_method_decides_at_four_departments():
    # linear (numpy's and R's default, the rule's default): Q1 10, Q3 12 + (x − 12)/4; the
    # largest of four lights from x = 5·12 − 4·10 = 20 on, not at 19
    below = evaluate(r.AP_Y6, {"ap_cases": _y6({1: 10, 2: 10, 3: 12, 4: 19})})
    assert below.height == 0
    out = evaluate(r.AP_Y6, {"ap_cases": _y6({1: 10, 2: 10, 3: 12, 4: 20})})
    f = json.loads(out["facts"][0])
    assert out["subject_id"].to_list() == ["4:XK-4-001"]
    assert (f["q1"], f["q3"], f["fence"], f["quartile_method"]) == (10.0, 14.0, 20.0, "linear")
    # Tukey's hinges put Q3 halfway to the largest median: among four it can never light
    for x in (20, 60, 1000):
        tukey = evaluate(r.AP_Y6, {"ap_cases": _y6({1: 10, 2: 10, 3: 12, 4: x})},
                         {"quartile_method": "tukey"})
        assert tukey.height == 0
    # ... but it does among five: 10, 10, 10, 12, 20 -> hinges 10 and 12, fence 15
    five = evaluate(r.AP_Y6, {"ap_cases": _y6({1: 10, 2: 10, 3: 10, 4: 12, 5: 20})},
                    {"quartile_method": "tukey"})
    f = json.loads(five["facts"][0])
    assert (five["subject_id"].to_list(), f["q1"], f["q3"], f["fence"]) == (["5:XK-5-001"], 10.0, 12.0, 15.0)
    with pytest.raises(ValueError, match="quartile method"):
        evaluate(r.AP_Y6, {"ap_cases": _y6({1: 10, 2: 10, 3: 12, 4: 20})}, {"quartile_method": "guess"})


def test_ap_y6_groups_by_power_identity_not_name():
    # the same name in two categories is two items: three departments each, never compared
    a = _y6({1: 10, 2: 10, 3: 10})
    b = _y6({4: 10, 5: 10, 6: 30}, power_category="行政确认").with_columns(
        (pl.col("case_id") + 100).alias("case_id"))
    # by name alone: six departments with medians 10×5 and 30 -> department 6 would light
    assert evaluate(r.AP_Y6, {"ap_cases": pl.concat([a, b])}).height == 0
    # two versions of one power (ids 10 and 11, one code) are one department's power
    versions = _y6({1: 10, 2: 10, 3: 10, 4: 30}).with_columns(
        pl.when(pl.col("case_id") % 2 == 0).then(11).otherwise(10).alias("power_id"))
    out = evaluate(r.AP_Y6, {"ap_cases": versions})
    assert out["subject_id"].to_list() == ["4:XK-4-001"]
    assert json.loads(out["facts"][0])["cases"] == 5

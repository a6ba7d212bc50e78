"""S1 light rules on hand-built frames (each fires and stays quiet at its threshold), and exact
coverage figures on a small fixture."""

from __future__ import annotations

import json
from datetime import date

import polars as pl

from metrics.lights.registry import RULES, evaluate
from metrics.power.coverage import category_counts, coverage, risk_heat
from metrics.power.rules import (
    EDGES_SCHEMA,
    IN_FORCE_SCHEMA,
    INSPECTION_SCHEMA,
    RISK_POINT_SCHEMA,
    STEPS_SCHEMA,
)

TODAY = date(2026, 6, 30)
CLOCK = pl.DataFrame({"today": [TODAY]})


def risks(*rows) -> pl.DataFrame:
    """rows: (id, status, is_current, in_force, level, has_measures, last_review)"""
    full = [(rid, rid * 10, f"XK-{rid}", f"职权{rid}", 1, status, cur, force, 7, "210102", 2,
             level, measures, review) for rid, status, cur, force, level, measures, review in rows]
    return pl.DataFrame(full, schema=RISK_POINT_SCHEMA, orient="row")


def ids(out: pl.DataFrame) -> list[str]:
    return sorted(out["subject_id"].to_list())


def test_high_without_measures_red_only_on_watched_versions():
    frame = risks(
        (1, "published", True, True, "高", False, TODAY),    # fires
        (2, "published", True, True, "高", True, TODAY),     # has measures
        (3, "draft", True, False, "高", False, TODAY),       # draft: work in progress
        (4, "confirmed", True, False, "高", False, TODAY),   # fires: confirmed
        (5, "published", False, True, "高", False, TODAY),   # fires: in force, newer draft
        (6, "published", True, True, "中", False, TODAY),    # medium: other rule
    )
    out = evaluate(RULES["PW-R1"], {"power_risk_points": frame})
    assert ids(out) == ["1", "4", "5"]
    assert set(out["level"]) == {"red"}
    assert json.loads(out.filter(pl.col("subject_id") == "1")["facts"][0]) == {
        "code": "XK-1", "power_name": "职权1", "version": 1, "step_seq": 2, "level": "高"}
    y1 = evaluate(RULES["PW-Y1"], {"power_risk_points": frame})
    assert ids(y1) == ["6"] and set(y1["level"]) == {"yellow"}


def test_not_reviewed_for_months_threshold():
    frame = risks(
        (1, "published", True, True, "低", True, date(2025, 6, 30)),  # exactly 12 months: quiet
        (2, "published", True, True, "低", True, date(2025, 6, 29)),  # one day more: fires
        (3, "published", True, True, "低", True, None),               # never reviewed: fires
        (4, "draft", True, False, "低", True, date(2020, 1, 1)),      # draft: quiet
    )
    out = evaluate(RULES["PW-Y3"], {"power_risk_points": frame, "clock": CLOCK})
    assert ids(out) == ["2", "3"]
    six = evaluate(RULES["PW-Y3"], {"power_risk_points": frame, "clock": CLOCK}, {"months": 6})
    assert ids(six) == ["1", "2", "3"]


def test_rectification_overdue_threshold_and_grace():
    insp = pl.DataFrame([
        (1, 7, "210102", date(2026, 5, 1), date(2026, 6, 30), None),              # due today
        (2, 7, "210102", date(2026, 5, 1), date(2026, 6, 29), None),              # 1 day late
        (3, 7, "210102", date(2026, 5, 1), date(2026, 6, 1), date(2026, 6, 20)),  # rectified late
        (4, 7, "210102", date(2026, 5, 1), None, None),                           # no deadline
    ], schema=INSPECTION_SCHEMA, orient="row")
    out = evaluate(RULES["PW-R2"], {"power_inspections": insp, "clock": CLOCK})
    assert ids(out) == ["2"] and out["level"][0] == "red"
    assert json.loads(out["facts"][0])["rectify_by"] == "2026-06-29"
    assert ids(evaluate(RULES["PW-R2"], {"power_inspections": insp, "clock": CLOCK},
                        {"grace_days": 1})) == []


def test_published_without_valid_flow():
    powers = pl.DataFrame([(1, "XK-1", "甲", 2, 7, "210102", 10),
                           (2, "XK-2", "乙", 1, 7, "210102", 10),
                           (3, "XK-3", "丙", 1, 7, "210102", 2)],
                          schema=IN_FORCE_SCHEMA, orient="row")
    st = pl.DataFrame([(1, 1, "受理", 2), (1, 2, "决定", 3), (3, 1, "受理", 2), (3, 2, "决定", 1)],
                      schema=STEPS_SCHEMA, orient="row")
    ed = pl.DataFrame([(1, 1, 2), (3, 1, 2)], schema=EDGES_SCHEMA, orient="row")
    out = evaluate(RULES["PW-Y2"], {"power_in_force": powers, "power_in_force_steps": st,
                                    "power_in_force_edges": ed})
    # XK-1 valid (5 <= 10); XK-2 has no steps; XK-3 needs 3 days but promises 2
    assert ids(out) == ["XK-2", "XK-3"]
    facts = {r["subject_id"]: json.loads(r["facts"]) for r in out.iter_rows(named=True)}
    assert facts["XK-2"]["problems"] == "no_steps"
    assert facts["XK-3"] == {"code": "XK-3", "name": "丙", "version": 1, "problems": "over_limit"}


# --- coverage on a small fixture -------------------------------------------------------------

POWERS = pl.DataFrame([
    # power_id, department_id, department, region_code, category, status, published
    (1, 1, "住建局", "210102", "行政许可", "published", True),
    (2, 1, "住建局", "210102", "行政许可", "draft", True),    # new draft of a published code
    (3, 1, "住建局", "210102", "行政处罚", "confirmed", False),
    (4, 2, "市场监管局", "210103", "行政许可", "published", True),
], schema={"power_id": pl.Int64, "department_id": pl.Int64, "department": pl.String,
           "region_code": pl.String, "category": pl.String, "status": pl.String,
           "published": pl.Boolean}, orient="row")
VALIDITY = pl.DataFrame({"power_id": [1, 2, 3, 4], "flow_valid": [True, False, True, True]})
RISKS = pl.DataFrame([
    (1, "住建局", "高", True), (1, "住建局", "中", False), (1, "住建局", "低", False),
    (3, "住建局", "中", True), (4, "市场监管局", "低", False),
], schema={"power_id": pl.Int64, "department": pl.String, "level": pl.String,
           "has_measures": pl.Boolean}, orient="row")
INSPECTIONS = pl.DataFrame([
    (1, "住建局", "210102", date(2026, 6, 1), None),            # overdue
    (1, "住建局", "210102", date(2026, 7, 1), None),            # not yet due
    (2, "市场监管局", "210103", date(2026, 6, 1), date(2026, 6, 2)),
], schema={"department_id": pl.Int64, "department": pl.String, "region_code": pl.String,
           "rectify_by": pl.Date, "rectified_on": pl.Date}, orient="row")


def test_coverage_by_department_exact():
    out = coverage(POWERS, VALIDITY, RISKS, INSPECTIONS,
                   by=["department_id", "department"], today=TODAY)
    rows = {r["department"]: r for r in out.iter_rows(named=True)}
    zj = rows["住建局"]
    assert (zj["powers"], zj["valid_flows"], zj["assessed"], zj["hm_points"],
            zj["hm_with_measures"], zj["published"], zj["inspections"], zj["overdue"]) == (
        3, 2, 2, 3, 2, 2, 2, 1)
    assert zj["flow_share"] == 2 / 3 and zj["assessed_share"] == 2 / 3
    assert zj["measures_share"] == 2 / 3 and zj["published_share"] == 2 / 3
    sc = rows["市场监管局"]
    assert (sc["powers"], sc["flow_share"], sc["assessed_share"], sc["published_share"],
            sc["inspections"], sc["overdue"]) == (1, 1.0, 1.0, 1.0, 1, 0)
    assert sc["measures_share"] is None  # no 高/中 points: nothing to measure


def test_coverage_by_region_and_category_counts_and_heat():
    out = coverage(POWERS, VALIDITY, RISKS, INSPECTIONS, by=["region_code"], today=TODAY)
    assert out.select("region_code", "powers", "overdue").rows() == [
        ("210102", 3, 1), ("210103", 1, 0)]
    cats = category_counts(POWERS, by=["department"])
    assert cats.rows() == [("住建局", "行政处罚", 1), ("住建局", "行政许可", 2),
                           ("市场监管局", "行政许可", 1)]
    heat = risk_heat(RISKS)
    assert heat.rows() == [("住建局", 1, 2, 1), ("市场监管局", 0, 0, 1)]


def test_chart_helpers_keep_the_largest_groups():
    from metrics.power.coverage import largest_groups, risk_heat_top

    counts = pl.DataFrame({"department": ["甲", "甲", "乙", "丙"], "category": ["行政许可", "行政处罚", "行政许可", "行政许可"],
                           "powers": [3, 2, 4, 1]})
    assert sorted(largest_groups(counts, by="department", value="powers", top=2)["department"].unique()) == ["乙", "甲"]
    assert largest_groups(counts, by="department", value="powers", top=3).height == 4
    risks = pl.DataFrame({"department": ["甲", "乙", "乙"], "level": ["高", "中", "低"]})
    assert risk_heat_top(risks, top=1).select("department", "total").to_dicts() == [{"department": "乙", "total": 2}]

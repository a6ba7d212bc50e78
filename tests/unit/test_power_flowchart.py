"""Flow-chart validation, DOT output and the risk-level rule (pure functions)."""

from __future__ import annotations

import shutil
import subprocess

import polars as pl
import pytest

from metrics.power.flow_dot import dot_escape, flow_dot
from metrics.power.flowchart import FlowIssue, flow_validity, validate_flow
from metrics.power.risk import risk_level, risk_level_expr


def steps(*rows):
    return pl.DataFrame(rows, schema={"seq": pl.Int64, "name": pl.String, "limit_days": pl.Int64},
                        orient="row")


def edges(*rows):
    return pl.DataFrame(rows, schema={"from_seq": pl.Int64, "to_seq": pl.Int64,
                                      "condition": pl.String}, orient="row")


# 1 收件 -> 2 受理 -> 3 审查 -> 4 决定; 2 -> 5 不予受理; 3 -> 2 (补正, a return)
GOOD_STEPS = steps((1, "收件", 1), (2, "受理", 2), (3, "审查", 5), (4, "决定", 3), (5, "不予受理", 1))
GOOD_EDGES = edges((1, 2, None), (2, 3, "受理"), (2, 5, "不予受理"), (3, 4, None), (3, 2, "补正"))


def keys(issues: list[FlowIssue]) -> list[str]:
    return [i.key.removeprefix("power.flow.") for i in issues]


def test_valid_flow_with_branch_and_return_has_no_issue():
    # longest forward path 1-2-3-4 = 11 days; the return 3->2 is not followed again
    assert validate_flow(GOOD_STEPS, GOOD_EDGES, 11) == []


def test_limits_past_promise_named_with_total():
    assert validate_flow(GOOD_STEPS, GOOD_EDGES, 10) == [
        FlowIssue("power.flow.over_limit", {"total": 11, "promised": 10})]


def test_no_steps():
    assert keys(validate_flow(steps(), edges(), 5)) == ["no_steps"]


def test_edge_to_missing_step():
    issues = validate_flow(GOOD_STEPS, GOOD_EDGES.vstack(edges((4, 9, None))), 20)
    assert issues == [FlowIssue("power.flow.edge_missing_step",
                                {"from_seq": 4, "to_seq": 9, "seq": 9})]


def test_two_starts_named_and_unreachable_not_reported_twice():
    s = GOOD_STEPS.vstack(steps((6, "专家评审", 1)))
    issues = validate_flow(s, GOOD_EDGES.vstack(edges((6, 4, None))), 20)
    assert issues == [FlowIssue("power.flow.many_starts", {"steps": "1（收件）、6（专家评审）"})]


def test_unreachable_steps_listed():
    # 6 and 7 form a loop nobody enters: still one start (1), but 6, 7 unreachable
    s = GOOD_STEPS.vstack(steps((6, "会签", 1), (7, "复核", 1)))
    e = GOOD_EDGES.vstack(edges((6, 7, None), (7, 6, None)))
    assert validate_flow(s, e, 20) == [
        FlowIssue("power.flow.unreachable", {"steps": "6（会签）、7（复核）"})]


def test_no_start_when_everything_is_a_loop_and_no_end():
    s = steps((1, "甲", 1), (2, "乙", 1))
    assert keys(validate_flow(s, edges((1, 2, None), (2, 1, None)), 10)) == ["no_start", "no_end"]


def test_duplicate_seq():
    s = steps((1, "甲", 1), (1, "乙", 1))
    assert keys(validate_flow(s, edges(), 10)) == ["duplicate_seq"]


def test_null_limits_count_zero():
    s = steps((1, "甲", None), (2, "乙", 4))
    assert validate_flow(s, edges((1, 2, None)), 4) == []


def test_flow_validity_per_power():
    s = pl.concat([GOOD_STEPS.with_columns(pl.lit(1).alias("power_id")),
                   GOOD_STEPS.with_columns(pl.lit(2).alias("power_id"))])
    e = pl.concat([GOOD_EDGES.with_columns(pl.lit(1).alias("power_id")),
                   GOOD_EDGES.with_columns(pl.lit(2).alias("power_id"))])
    powers = pl.DataFrame({"power_id": [1, 2, 3], "promised_limit_days": [11, 10, 5]})
    out = flow_validity(s, e, powers).sort("power_id")
    assert out["flow_valid"].to_list() == [True, False, False]
    assert out["n_issues"].to_list() == [0, 1, 1]


def test_dot_escapes_user_text_and_colours_risk():
    s = GOOD_STEPS.with_columns(pl.Series("post", ['窗口"岗\\', "", "", "", ""]))
    risks = pl.DataFrame({"step_seq": [3, 3, 4], "level": ["中", "高", "低"]})
    e = GOOD_EDGES.with_columns(pl.Series("condition", [None, '受理"; x -> y', None, None, None]))
    dot = flow_dot(s, e, risks, labels={"days": "{n}个工作日", "risk": "风险"})
    assert 's1 [label="1. 收件\\n窗口\\"岗\\\\ · 1个工作日"];' in dot
    assert 's3 [label="3. 审查\\n5个工作日\\n风险：高、中", fillcolor="#e53935"];' in dot
    assert 'fillcolor="#fff176"' in dot  # 低 on step 4
    assert 's2 -> s3 [label="受理\\"; x -> y"];' in dot
    assert dot_escape('a"b\\c\nd') == 'a\\"b\\\\c d'
    if shutil.which("dot"):
        subprocess.run(["dot", "-Tsvg"], input=dot.encode(), check=True, capture_output=True)


@pytest.mark.parametrize(("count", "high", "medium", "level"), [
    (5, 3, 2, "高"), (3, 3, 2, "高"), (2, 3, 2, "中"), (1, 3, 2, "低"), (0, 3, 2, "低"),
    (3, 4, 3, "中"), (2, 4, 3, "低"), (4, 4, 3, "高"),
])
def test_risk_level_rule(count, high, medium, level):
    assert risk_level(count, high_min=high, medium_min=medium) == level


def test_risk_level_expression_matches_scalar():
    df = pl.DataFrame({"controls_resources": [True, True, True, False],
                       "discretion": [True, True, False, False],
                       "collective_decision": [True, False, False, False],
                       "indirect_leverage": [False, False, False, None],
                       "high_incidence": [False, False, False, False]})
    assert df.select(risk_level_expr())["level"].to_list() == ["高", "中", "低", "低"]
    assert df.select(risk_level_expr(high_min=2, medium_min=1))["level"].to_list() == [
        "高", "高", "中", "低"]

"""S3 scoring methods and tree arithmetic at their boundaries, with exact figures."""

from __future__ import annotations

import polars as pl
import pytest

from metrics.performance import methods as m
from metrics.performance import tree as tr


def vals(*values, grade=None, peer=None) -> pl.DataFrame:  # noqa: ANN001, ANN002
    return pl.DataFrame({"value": list(values),
                         "grade": grade or [None] * len(values),
                         "peer_group": peer or ["g"] * len(values)},
                        schema={"value": pl.Float64, "grade": pl.String, "peer_group": pl.String})


def pts(frame: pl.DataFrame) -> list:
    return frame["points"].to_list()


def test_ratio_higher_capped_and_lower_better():
    assert pts(m.ratio(vals(0.9, 0.95, 1.0, None), weight=10, target=0.95)) == [9.47, 10.0, 10.0, None]
    assert pts(m.ratio(vals(1.0), weight=10, target=0.5, cap=1.2)) == [12.0]
    # lower is better: 4 days against a target of 5 earns the full weight, 10 days half
    assert pts(m.ratio(vals(4, 5, 10, 0), weight=8, target=5, higher_is_better=False)) == \
        [8.0, 8.0, 4.0, 8.0]
    with pytest.raises(ValueError):
        m.ratio(vals(1), weight=1, target=0)


def test_band_linear_between_floor_and_target_both_directions():
    f = m.band(vals(0.6, 0.6001, 0.8, 0.9, 1.0), weight=5, floor=0.6, target=0.9)
    assert pts(f) == [0.0, 0.0, 3.33, 5.0, 5.0]
    low = m.band(vals(10, 7, 4, 3), weight=6, floor=10, target=4, higher_is_better=False)
    assert pts(low) == [0.0, 3.0, 6.0, 6.0]


def test_band_with_bands_takes_the_best_band_reached():
    bands = [[0.95, 1.0], [0.9, 0.8], [0.8, 0.5]]
    f = m.band(vals(0.95, 0.9499, 0.9, 0.8, 0.7999, None), weight=10, floor=0, target=1,
               bands=bands)
    assert pts(f) == [10.0, 8.0, 8.0, 5.0, 0.0, None]


def test_rank_ties_take_their_average_rank_within_the_peer_group():
    f = m.rank(vals(90, 80, 80, 70, 50, None, peer=["a", "a", "a", "a", "b", "a"]), weight=6)
    # group a: n=4, ranks 1, 2.5, 2.5, 4 -> (4-r)/3; group b alone -> full weight
    assert pts(f) == [6.0, 3.0, 3.0, 0.0, 6.0, None]
    low = m.rank(vals(1, 2, peer=["a", "a"]), weight=4, higher_is_better=False)
    assert pts(low) == [4.0, 0.0]


def test_deduction_per_event_stops_at_the_floor():
    f = m.deduction(vals(0, 1, 4, 5, 9, None), weight=10, per_event=2)
    assert pts(f) == [10.0, 8.0, 2.0, 0.0, 0.0, None]
    assert pts(m.deduction(vals(3, 6), weight=5, per_event=1, floor=1)) == [2.0, 1.0]


def test_bonus_capped_at_its_weight_and_veto_flags():
    assert pts(m.bonus(vals(0, 1, 2, 3), weight=2, per_unit=1)) == [0.0, 1.0, 2.0, 2.0]
    v = m.veto(vals(0, 0.999, 1, None), threshold=1)
    assert v["vetoed"].to_list() == [False, False, True, False]
    assert pts(v) == [0.0, 0.0, 0.0, 0.0]


def test_graded_shares_and_missing_rules():
    f = m.graded(vals(None, None, None, None, None, grade=["A", "B", "C", "D", None]), weight=5)
    assert pts(f) == [5.0, 4.0, 3.0, 2.0, None]
    zero = m.apply_missing(f, "zero")
    assert zero["status"].to_list()[-1] == "missing_zero" and zero["points"][-1] == 0.0
    excl = m.apply_missing(f, "exclude")
    assert excl["status"].to_list() == ["scored"] * 4 + ["not_assessed"]


TREE = [
    dict(code="A", parent_code=None, weight=60, kind="score"),
    dict(code="A1", parent_code="A", weight=40, kind="score", method="ratio", source="auto",
         metric_key="x.rate", params={"target": 1}),
    dict(code="A2", parent_code="A", weight=20, kind="score", method="graded", source="manual"),
    dict(code="B", parent_code=None, weight=40, kind="score", method="deduction",
         source="auto", metric_key="x.count", params={"per_event": 2}),
    dict(code="X", parent_code=None, weight=3, kind="bonus", method="bonus", source="manual"),
    dict(code="V", parent_code=None, weight=0, kind="veto", method="veto", source="manual"),
]
METRICS = {"x.rate", "x.count"}


def test_a_sound_tree_passes_and_bad_weights_are_refused_in_plain_words():
    assert tr.validate_tree(TREE, METRICS) == []
    bad = [dict(n) for n in TREE]
    bad[1]["weight"] = 35  # A's children now sum to 55, the top still to 100 - 5
    problems = tr.validate_tree(bad, METRICS)
    assert tr.Problem("tree.err_children_sum", {"code": "A", "weight": "60", "sum": "55"}) in problems
    bad[0]["weight"] = 55
    bad[1]["weight"] = 40
    keys = {p.key for p in tr.validate_tree(bad, METRICS)}
    assert keys == {"tree.err_top_sum", "tree.err_children_sum"}


def test_tree_refuses_unknown_metric_missing_param_and_graded_auto():
    bad = [dict(n) for n in TREE]
    bad[1] = {**bad[1], "metric_key": "nope", "params": {}}
    bad[2] = {**bad[2], "source": "auto", "metric_key": "x.rate"}
    keys = sorted(p.key for p in tr.validate_tree(bad, METRICS))
    assert keys == ["tree.err_graded_manual", "tree.err_metric", "tree.err_param"]
    cyc = [dict(code="P", parent_code="Q", weight=100), dict(code="Q", parent_code="P", weight=100)]
    assert {p.key for p in tr.validate_tree(cyc, METRICS)} == {"tree.err_cycle"}


def _assessed(rows):  # noqa: ANN001, ANN202
    return pl.DataFrame(rows, schema={"department_id": pl.Int64, "code": pl.String,
                                      "assessed": pl.Boolean}, orient="row")


def test_effective_weights_renormalise_siblings_of_a_leaf_not_assessed():
    leaves = [(1, "A1", True), (1, "A2", True), (1, "B", True),
              (2, "A1", True), (2, "A2", False), (2, "B", True),
              (3, "A1", False), (3, "A2", False), (3, "B", True)]
    eff = tr.effective_weights(TREE, _assessed(leaves)).sort("department_id", "code")
    got = {(r["department_id"], r["code"]): r["effective_weight"] for r in eff.iter_rows(named=True)}
    assert got[(1, "A1")] == 40 and got[(1, "A2")] == 20 and got[(1, "B")] == 40
    # dept 2: A2 not assessed -> A1 carries A's 60 points
    assert got[(2, "A1")] == 60 and got[(2, "A2")] == 0 and got[(2, "B")] == 40
    # dept 3: all of A not assessed -> B carries the 100
    assert got[(3, "B")] == 100 and got[(3, "A1")] == 0


def test_rollup_totals_grades_and_ranks():
    scores = pl.DataFrame({
        "department_id": [1, 1, 1, 1, 2, 2, 2, 2],
        "code": ["A1", "A2", "B", "X"] * 2,
        "kind": ["score", "score", "score", "bonus"] * 2,
        "points": [30.0, 16.0, 40.0, 3.0, 40.0, 20.0, 30.0, 0.0],
        "effective_weight": [40.0, 20.0, 40.0, 3.0] * 2,
        "vetoed": [False, False, False, False, False, False, False, True],
        "status": ["scored"] * 8})
    roll = tr.node_rollup(TREE, scores)
    a = roll.filter((pl.col("department_id") == 1) & (pl.col("code") == "A")).row(0, named=True)
    assert (a["points"], a["max_points"], a["lost"]) == (46.0, 60.0, 14.0)
    totals = tr.department_totals(scores, bonus_cap=2).sort("department_id")
    assert totals["base_points"].to_list() == [86.0, 90.0]
    assert totals["bonus_points"].to_list() == [2.0, 0.0]
    assert totals["total"].to_list() == [88.0, 90.0]
    graded = totals.with_columns(tr.grade_expr())
    assert graded["grade"].to_list() == ["good", "poor"]  # 90 would be 优秀, but vetoed
    edge = pl.DataFrame({"total": [90.0, 89.99, 80.0, 79.99, 60.0, 59.99],
                         "vetoed": [False] * 6}).with_columns(tr.grade_expr())
    assert edge["grade"].to_list() == ["excellent", "good", "good", "fair", "fair", "poor"]
    custom = edge.with_columns(tr.grade_expr({"excellent": 95, "good": 85, "fair": 70}))
    assert custom["grade"].to_list() == ["good", "good", "fair", "fair", "poor", "poor"]
    ranked = tr.peer_ranks(pl.DataFrame({"total": [80.0, 90.0, 80.0, 70.0],
                                         "peer_group": ["k", "k", "k", "j"]}))
    assert ranked["peer_rank"].to_list() == [2, 1, 2, 1]
    assert ranked["peer_count"].to_list() == [3, 3, 3, 1]
    assert tr.check_bounds({"excellent": 80, "good": 85, "fair": 60})[0].key == "grades.err_order"

"""S3 services on the demo province: totals add up, closed periods stay frozen, the tree is
refused when weights do not add up, versions stick to their periods, four-eyes review, scope,
and the CLI."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest
from sqlalchemy import func, select, update
from sqlmodel import Session

import manage
from models.db import session_scope
from models.lights import Alert
from models.org import Department
from models.performance import (
    DepartmentScore,
    Indicator,
    IndicatorCreate,
    LeafScore,
    ManualScoreCreate,
    Period,
)
from models.users import User
from services.performance import manual, periods, read, tree
from services.performance.catalog import PerformanceError
from services.performance.run import compute_period
from services.platform.scope import ALL, scope_for


def _codes(engine) -> tuple[str, str, str]:  # noqa: ANN001
    with Session(engine) as s:
        rows = s.execute(select(Period.code, Period.status).order_by(Period.start_on)).all()
    assert [st for _, st in rows] == ["closed", "closed", "open"]
    return tuple(c for c, _ in rows)


def _scope(engine, username: str):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return scope_for(user, session=s), user


def test_demo_leaves_add_up_to_every_total_shown(seeded):
    for code in _codes(seeded):
        with Session(seeded) as s:
            board = read.ranking(session=s, scope=ALL, period_code=code)
            period = periods.period_by_code(session=s, code=code)
            leaves = pl.DataFrame(s.execute(select(
                LeafScore.department_id, LeafScore.kind, LeafScore.points)
                .where(LeafScore.period_id == period.id)).all(),
                schema=["department_id", "kind", "points"], orient="row")
        assert board.height == 516
        sums = leaves.filter(pl.col("kind") == "score").group_by("department_id").agg(
            pl.col("points").sum().round(2).alias("leaves"))
        check = board.join(sums, on="department_id")
        assert check.height == 516
        assert (check["leaves"] - check["base_points"]).abs().max() < 1e-9
        assert (check["base_points"] + check["bonus_points"] - check["total"]).abs().max() < 1e-9
        assert check["bonus_points"].max() <= 5.0
    # one card: the top nodes of the tree add up to the total's base points
    with Session(seeded) as s:
        dept = board["department_id"][0]
        card = read.card(session=s, scope=ALL, period_code=code, department_id=dept)
    top = card["tree"].filter(pl.col("parent_code").is_null() & pl.col("code").is_in(["A", "B", "C", "D"]))
    assert round(top["points"].sum(), 2) == card["summary"]["base_points"]
    assert round(top["max_points"].sum(), 2) == 100.0


def test_vetoed_departments_are_graded_poor_with_their_score_kept(seeded):
    _, q3, _ = _codes(seeded)
    with Session(seeded) as s:
        board = read.ranking(session=s, scope=ALL, period_code=q3)
    vetoed = board.filter(pl.col("vetoed"))
    assert vetoed.height > 0
    assert set(vetoed["grade"]) == {"poor"}
    assert vetoed["total"].min() > 60  # the score itself is kept


def test_a_closed_period_never_changes_when_the_data_does(seeded):
    q2, q3, q4 = _codes(seeded)

    def frozen(code: str) -> pl.DataFrame:
        with Session(seeded) as s:
            pid = periods.period_by_code(session=s, code=code).id
            rows = s.execute(select(LeafScore.department_id, LeafScore.indicator_code,
                                    LeafScore.value, LeafScore.points)
                             .where(LeafScore.period_id == pid)).all()
        return pl.DataFrame(rows, schema=["d", "c", "v", "p"], orient="row").sort("d", "c")

    before_q3, before_q4 = frozen(q3), frozen(q4)
    with session_scope(seeded) as s:  # every open light is closed: the deduction leaves change
        s.execute(update(Alert).values(status="closed"))
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        compute_period(session=s, actor="t", code=q3)
    assert exc.value.key == "performance.period.err_closed"
    with session_scope(seeded) as s:
        compute_period(session=s, actor="t", code=q4)
    assert frozen(q3).equals(before_q3)
    after_q4 = frozen(q4)
    assert not after_q4.equals(before_q4)
    lights = after_q4.filter(pl.col("c").is_in(["B31", "B32"]))
    assert lights["v"].max() == 0.0


def test_weights_that_do_not_add_up_are_refused_and_versions_stick(seeded):
    _, _, q4 = _codes(seeded)
    with session_scope(seeded) as s:
        draft = tree.new_draft(session=s, actor="admin")
        node = s.execute(select(Indicator).where(Indicator.version_id == draft.id,
                                                 Indicator.code == "A11")).scalar_one()
        data = IndicatorCreate.model_validate(node.model_dump() | {"weight": 6})
        tree.save_node(session=s, actor="admin", data=data)
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        tree.activate_draft(session=s, actor="admin")
    problems = exc.value.params["problems"]
    keys = {(p.key, tuple(sorted(p.params.items()))) for p in problems}
    assert ("tree.err_children_sum", (("code", "A1"), ("sum", "12"), ("weight", "14"))) in keys
    assert any(p.key == "tree.err_top_sum" for p in problems) is False  # A1 is below A
    with session_scope(seeded) as s:  # move the two points to A12 and it is sound
        node = s.execute(select(Indicator).where(Indicator.version_id == draft.id,
                                                 Indicator.code == "A12")).scalar_one()
        tree.save_node(session=s, actor="admin",
                       data=IndicatorCreate.model_validate(node.model_dump() | {"weight": 5}))
        v2 = tree.activate_draft(session=s, actor="admin")
        new = periods.open_period(session=s, actor="admin", code="2027Q1", name="2027年第1季度",
                                  kind="quarter", start_on=date(2027, 1, 1), end_on=date(2027, 3, 31))
        assert new.version_id == v2.id
        assert periods.period_by_code(session=s, code=q4).version_id != v2.id


def test_manual_scores_four_eyes_and_closing(seeded):
    _, _, q4 = _codes(seeded)
    scope, _ = _scope(seeded, "city_evaluator")
    with Session(seeded) as s:
        dept = s.execute(select(Department.code).where(Department.region_code == "210100")
                         .order_by(Department.code)).scalars().first()
    entry = ManualScoreCreate(period_code=q4, department_code=dept, indicator_code="A33", grade="B")
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        manual.enter_score(session=s, actor="city_evaluator", scope=scope, data=entry)
    assert exc.value.key == "performance.manual.err_evidence"
    with session_scope(seeded) as s:
        row = manual.enter_score(session=s, actor="city_evaluator", scope=scope,
                                 data=entry.model_copy(update={"evidence": "查阅改革台账"}))
        sid = row.id
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        manual.review_score(session=s, actor="city_evaluator", scope=scope, score_id=sid, accept=True)
    assert exc.value.key == "performance.manual.err_four_eyes"
    with session_scope(seeded) as s:
        manual.review_score(session=s, actor="prov_evaluator", scope=ALL, score_id=sid, accept=True)
        compute_period(session=s, actor="prov_evaluator", code=q4)
        pid = periods.period_by_code(session=s, code=q4).id
        dept_id = s.execute(select(Department.id).where(Department.code == dept)).scalar_one()
        leaf = s.execute(select(LeafScore).where(LeafScore.period_id == pid,
                                                 LeafScore.department_id == dept_id,
                                                 LeafScore.indicator_code == "A33")).scalar_one()
        assert (leaf.grade, leaf.points, leaf.status) == ("B", round(0.8 * leaf.effective_weight, 2), "scored")
        assert json.loads(leaf.records_query) == {"manual_score_id": sid}
    # a department outside the evaluator's scope is refused
    other = ManualScoreCreate(period_code=q4, department_code="210200001", indicator_code="A31", value=1)
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        manual.enter_score(session=s, actor="city_evaluator", scope=scope, data=other)
    assert exc.value.key == "performance.manual.err_department"
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        periods.close_period(session=s, actor="prov_evaluator", code=q4)
    assert exc.value.key == "performance.period.err_unreviewed"


def test_reopening_is_for_admins_with_a_reason(seeded):
    q2, _, _ = _codes(seeded)
    with session_scope(seeded) as s, pytest.raises(PerformanceError) as exc:
        periods.reopen_period(session=s, actor="prov_evaluator", roles=("evaluator",), code=q2,
                              reason="复核")
    assert exc.value.key == "performance.period.err_reopen_admin"
    with session_scope(seeded) as s, pytest.raises(PerformanceError):
        periods.reopen_period(session=s, actor="admin", roles=("admin",), code=q2, reason=" ")
    with session_scope(seeded) as s:
        p = periods.reopen_period(session=s, actor="admin", roles=("admin",), code=q2,
                                  reason="申诉复核")
        assert p.status == "review"


def test_a_department_sees_only_its_own_card(seeded):
    _, q3, _ = _codes(seeded)
    scope, user = _scope(seeded, "county_data")
    with Session(seeded) as s:
        board = read.ranking(session=s, scope=scope, period_code=q3)
        assert board["department_id"].to_list() == [user.department_id]
        other = s.execute(select(func.min(DepartmentScore.department_id))).scalar_one()
        assert other != user.department_id
        with pytest.raises(PerformanceError):
            read.card(session=s, scope=scope, period_code=q3, department_id=other)
        card = read.card(session=s, scope=scope, period_code=q3, department_id=user.department_id)
    assert card["leaves"].height == 36


def test_auto_leaf_records_come_from_the_metric(seeded):
    _, _, q4 = _codes(seeded)
    with Session(seeded) as s:
        pid = periods.period_by_code(session=s, code=q4).id
        leaf = s.execute(select(LeafScore).where(
            LeafScore.period_id == pid, LeafScore.indicator_code == "A11",
            LeafScore.status == "scored", LeafScore.numerator < LeafScore.denominator)
            .order_by(LeafScore.department_id)).scalars().first()
        records = read.leaf_records(session=s, scope=ALL, leaf=leaf.model_dump())
    assert records.height == leaf.denominator
    assert int(records["on_time"].sum()) == leaf.numerator
    assert records["link"][0].startswith("supervision_cases?case=")
    assert records["on_time"][0] is False  # late cases first: the lost points
    with Session(seeded) as s:
        red = s.execute(select(LeafScore).where(
            LeafScore.period_id == pid, LeafScore.indicator_code == "B31", LeafScore.value > 0)
            .order_by(LeafScore.department_id)).scalars().first()
        alerts = read.leaf_records(session=s, scope=ALL, leaf=red.model_dump())
    assert alerts.height == red.value and set(alerts["level"]) == {"red"}
    # the deduction: 4 points less 2 per open red light, never below 0
    assert red.points == round(max(4 - 2 * red.value, 0) / 4 * red.effective_weight, 2)
    with Session(seeded) as s:  # S1: the powers without a valid flow chart behind 流程图有效率
        flow = s.execute(select(LeafScore).where(
            LeafScore.period_id == pid, LeafScore.indicator_code == "B11",
            LeafScore.numerator < LeafScore.denominator).order_by(LeafScore.department_id)
        ).scalars().first()
        invalid = read.leaf_records(session=s, scope=ALL, leaf=flow.model_dump())
    assert invalid.height == flow.denominator - flow.numerator
    assert flow.points == round(min(flow.value / 1.0, 1.0) * flow.effective_weight, 2)
    assert invalid["link"][0].startswith("power_detail?power=")


def test_cli_compute_dry_run_scores_and_close(seeded, capsys):
    _, _, q4 = _codes(seeded)
    assert manage.main(["compute-scores", "--period", q4, "--dry-run"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["departments"] == 516 and out["dry_run"] is True
    assert manage.main(["scores", "--period", q4, "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 516 and {"total", "grade", "peer_rank"} <= set(rows[0])
    assert manage.main(["close-period", q4]) == 2  # manual scores still await review
    assert "review" in capsys.readouterr().err

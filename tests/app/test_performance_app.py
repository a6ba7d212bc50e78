"""S3 pages as leaders, evaluators, admins and evaluated departments see them, on the demo."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from i18n import translate
from models.org import Department
from models.performance import DepartmentScore, ManualScore, Period
from models.users import User
from tests.app.helpers import login, open_page, texts


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def metric(at, label: str) -> str:  # noqa: ANN001
    return next(m.value for m in at.metric if m.label == label)


def _open_code(engine) -> str:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(Period.code).where(Period.status == "open")).scalar_one()


def test_ranking_board_for_province_and_city_leaders(seeded):
    at = open_page(login("prov_leader"), "pages/performance/ranking.py")
    assert not at.exception, at.exception
    assert at.title[0].value == tr("performance.ranking.title")
    assert metric(at, tr("performance.ranking.departments")) == "516"
    board = at.dataframe[0].value
    assert board[tr("performance.col.card")].iloc[0].startswith("/perf_card?period=")
    assert set(board[tr("performance.col.grade")]) <= {"优秀", "良好", "一般", "较差"}
    at = open_page(login("city_leader"), "pages/performance/ranking.py")
    assert not at.exception, at.exception
    with Session(seeded) as s:
        city = s.execute(select(Department.id).where(Department.region_code.in_(
            ["210100", "210102", "210103"]))).scalars().all()
    assert metric(at, tr("performance.ranking.departments")) == str(len(city))


def test_card_drills_to_a_leaf_formula_and_its_records(seeded):
    code = _open_code(seeded)
    with Session(seeded) as s:
        period_id = s.execute(select(Period.id).where(Period.code == code)).scalar_one()
        dept = s.execute(select(DepartmentScore.department_id).where(
            DepartmentScore.period_id == period_id).order_by(DepartmentScore.total)).scalars().first()
    at = login("prov_leader")
    at.session_state["pc_dept"] = dept
    open_page(at, "pages/performance/card.py")
    assert not at.exception, at.exception
    assert at.title[0].value == tr("performance.card.title")
    assert len(at.get("plotly_chart")) == 1
    at.selectbox(key="pc_leaf").set_value("B11").run()
    assert not at.exception, at.exception
    formula = at.code[0].value
    assert "得分 = 分值 × min(实际值 ÷ 目标值, 上限)" in formula
    assert any(tr("performance.card.records") in m.value for m in at.markdown)


def test_a_department_sees_only_its_own_card(seeded):
    at = open_page(login("county_data"), "pages/performance/card.py")
    assert not at.exception, at.exception
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
    assert at.selectbox(key="pc_dept").options == [
        next(o for o in at.selectbox(key="pc_dept").options)]
    assert at.selectbox(key="pc_dept").value == user.department_id


def test_evaluator_enters_a_score_and_computes(seeded):
    code = _open_code(seeded)
    at = open_page(login("city_evaluator"), "pages/performance/workbench.py")
    assert not at.exception, at.exception
    assert at.title[0].value == tr("performance.workbench.title")
    dept = at.selectbox[1].value  # the first department of the evaluator's city
    assert dept.startswith("2101")
    at.selectbox[2].set_value("C23")
    at.number_input[0].set_value(0.9)
    at.text_area[0].input("抽查案卷 50 卷，45 卷合格")
    next(b for b in at.button if b.label == tr("performance.workbench.save")).click().run()
    assert not at.exception, at.exception
    assert tr("performance.workbench.saved") in texts(at.success)
    with Session(seeded) as s:
        row = s.execute(select(ManualScore).where(ManualScore.period_code == code,
                                                  ManualScore.indicator_code == "C23",
                                                  ManualScore.department_code == dept)
                        ).scalar_one()
    assert (row.value, row.status, row.evaluator) == (0.9, "entered", "city_evaluator")
    next(b for b in at.button if b.label == tr("performance.workbench.compute")).click().run()
    assert not at.exception, at.exception
    assert any("已计算" in s for s in texts(at.success))


def test_indicator_tree_for_admin_and_evaluator(seeded):
    at = open_page(login("admin"), "pages/performance/indicators.py")
    assert not at.exception, at.exception
    assert tr("performance.tree.sound") in texts(at.success)
    assert any(b.label == tr("performance.tree.new_draft") for b in at.button)
    at = open_page(login("prov_evaluator"), "pages/performance/indicators.py")
    assert not at.exception, at.exception
    assert not any(b.label == tr("performance.tree.new_draft") for b in at.button)


def test_cockpit_has_a_performance_section(seeded):
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    assert any(h.value.startswith("绩效考评") for h in at.subheader)

"""S3 upload kinds through the shared pipeline: the tree goes into a draft only, manual scores
are checked by row and column and written all or nothing."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from models.db import session_scope
from models.performance import Indicator, ManualScore, Period, TreeVersion
from services.performance import tree
from services.platform import ingest
from services.platform.scope import ALL


def upload(engine, kind: str, text: str):  # noqa: ANN001, ANN201
    with session_scope(engine) as session:
        prepared = ingest.prepare(kind, f"{kind}.csv", text.encode("utf-8"), session=session,
                                  actor="admin", scope=ALL)
    if prepared.status != "ready":
        return prepared
    return ingest.commit(engine, prepared, actor="admin", scope=ALL)


def errors(prepared) -> set:  # noqa: ANN001
    return set(prepared.errors.select("row", "field", "key").rows())


HEAD = "版本号,指标编码,上级编码,指标名称,分值,类型,计分方法,越高越好,参数,数据来源,自动指标,缺数规则\n"


def test_tree_upload_writes_the_draft_only(seeded):
    active = HEAD + "1,A11,A1,审批事项按时办结率,6,score,band,是,\"{\"\"floor\"\": 0.8, \"\"target\"\": 0.98}\",auto,esupervision.on_time_rate,exclude\n"
    refused = upload(seeded, "perf_indicators", active)
    assert refused.status == "rejected"
    assert errors(refused) == {(2, "version_no", "performance.upload.err_not_draft")}
    with session_scope(seeded) as s:
        draft = tree.new_draft(session=s, actor="admin")
    rows = (HEAD + f"{draft.no},A11,A1,审批事项按时办结率,6,score,band,是,"
            "\"{\"\"floor\"\": 0.8, \"\"target\"\": 0.98}\",auto,esupervision.on_time_rate,exclude\n"
            f"{draft.no},A12,A1,督办事项逾期,5,score,deduction,否,\"{{\"\"per_event\"\": 1.5}}\",auto,"
            "esupervision.overdue_orders,zero\n")
    assert upload(seeded, "perf_indicators", rows).status == "committed"
    with Session(seeded) as s:
        weights = dict(s.execute(select(Indicator.code, Indicator.weight).where(
            Indicator.version_no == draft.no, Indicator.code.in_(["A11", "A12"]))).all())
        v1 = dict(s.execute(select(Indicator.code, Indicator.weight).where(
            Indicator.version_no == 1, Indicator.code.in_(["A11", "A12"]))).all())
        nodes = tree.version_nodes(session=s, version_id=draft.id)
    assert weights == {"A11": 6.0, "A12": 5.0} and v1 == {"A11": 8.0, "A12": 3.0}
    assert tree.problems_of(nodes) == []  # 6 + 5 + 3 = A1's 14
    bad = HEAD + f"{draft.no},A13,A1,网上可办比例,3,score,ratio,是,target=0.8,manual,,zero\n"
    result = upload(seeded, "perf_indicators", bad)
    assert errors(result) == {(2, "params", "performance.upload.err_params")}


def test_manual_scores_upload_checks_rows_and_writes_nothing_on_error(seeded):
    with Session(seeded) as s:
        code = s.execute(select(Period.code).where(Period.status == "open")).scalar_one()
        before = s.execute(select(func.count()).select_from(ManualScore)).scalar_one()
    head = "考评周期,部门代码,指标编码,实际值,等次,评分依据,备注,考评人\n"
    bad = (head + f"{code},210100001,C23,0.93,,抽查案卷,,city_evaluator\n"
           f"{code},210100001,C13,,B,,,city_evaluator\n"
           f"{code},210100001,C12,,,,,city_evaluator\n")
    result = upload(seeded, "perf_manual_scores", bad)
    assert result.status == "rejected"
    assert errors(result) == {(3, "evidence", "performance.upload.err_evidence"),
                              (4, "value", "performance.upload.err_value_or_grade")}
    with Session(seeded) as s:
        assert s.execute(select(func.count()).select_from(ManualScore)).scalar_one() == before
    good = head + f"{code},210100001,C23,0.93,,抽查案卷,,city_evaluator\n"
    assert upload(seeded, "perf_manual_scores", good).status == "committed"
    with Session(seeded) as s:
        row = s.execute(select(ManualScore).where(ManualScore.period_code == code,
                                                  ManualScore.department_code == "210100001",
                                                  ManualScore.indicator_code == "C23")).scalar_one()
        assert (row.value, row.evidence, row.evaluator) == (0.93, "抽查案卷", "city_evaluator")
        assert (row.status, row.reviewer) == ("entered", None)  # reviewed again after a change
        assert s.execute(select(func.count()).select_from(TreeVersion)).scalar_one() == 1

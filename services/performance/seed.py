"""Demo S3: a realistic indicator tree (36 leaves under 行政效能, 权力运行监督制约, 依法行政,
公众满意度, plus bonus and veto items), two closed quarters and the current one open with
manual scores partly entered. Deterministic; runs after the lights (scores what they found)."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from models.base import utcnow
from models.org import Department
from models.performance import Indicator, ManualScore, TreeVersion
from services.performance.manual import manual_leaves
from services.performance.periods import advance, close_period, open_period
from services.performance.run import compute_period
from services.performance.tree import activate_draft
from services.platform.bulk import bulk_insert

ACTOR = "system"
# 沈阳市's departments are scored by the city's evaluator and reviewed by the province's; the
# others scored by the province's evaluator and reviewed by the admin (never by the same person)
CITY, CITY_PAIR, PROVINCE_PAIR = "2101", ("city_evaluator", "prov_evaluator"), ("prov_evaluator", "admin")
ENTERED_BY, REVIEWED_BY = PROVINCE_PAIR

# code, parent, name, en, weight, kind, method, higher, params, source, metric, missing rule
T = [
    ("A", None, "行政效能", "Administrative efficiency", 30),
    ("A1", "A", "审批服务效率", "Approval efficiency", 14),
    ("A11", "A1", "审批事项按时办结率", "On-time approvals", 8, "score", "band", True,
     {"floor": 0.8, "target": 0.98}, "auto", "esupervision.on_time_rate", "exclude"),
    ("A12", "A1", "督办事项逾期", "Overdue supervision orders", 3, "score", "deduction", False,
     {"per_event": 1.5}, "auto", "esupervision.overdue_orders"),
    ("A13", "A1", "网上可办比例", "Share of powers online", 3, "score", "ratio", True,
     {"target": 0.8}, "manual"),
    ("A2", "A", "资金管理绩效", "Fund performance", 8),
    ("A21", "A2", "专项资金支付进度", "Special-fund progress", 5, "score", "ratio", True,
     {"target": 0.75}, "auto", "esupervision.fund_progress", "exclude"),
    ("A22", "A2", "预算执行率", "Budget execution", 3, "score", "band", True,
     {"floor": 0.6, "target": 0.95}, "manual"),
    ("A3", "A", "重点工作落实", "Key tasks", 8),
    ("A31", "A3", "重点任务完成率", "Key tasks completed", 4, "score", "ratio", True,
     {"target": 1.0}, "manual"),
    ("A32", "A3", "政务信息报送", "Government information", 2, "score", "rank", True, {}, "manual"),
    ("A33", "A3", "改革创新举措", "Reform initiatives", 2, "score", "graded", True, {}, "manual"),
    ("B", None, "权力运行监督制约", "Oversight of power", 30),
    ("B1", "B", "权力清单管理", "Power catalog", 10),
    ("B11", "B1", "权力运行流程图有效率", "Valid flow charts", 4, "score", "ratio", True,
     {"target": 1.0}, "auto", "power.flow_validity", "exclude"),
    ("B12", "B1", "权力事项公开率", "Powers published", 3, "score", "band", True,
     {"floor": 0.6, "target": 0.95}, "auto", "power.disclosure_rate", "exclude"),
    ("B13", "B1", "清单动态调整", "Catalog kept up to date", 3, "score", "graded", True, {}, "manual"),
    ("B2", "B", "廉政风险防控", "Integrity risks", 10),
    ("B21", "B2", "高中风险点防控措施覆盖率", "Measures on high/medium risks", 5, "score", "ratio",
     True, {"target": 1.0}, "auto", "power.risk_control", "exclude"),
    ("B22", "B2", "风险排查质量", "Risk review quality", 3, "score", "graded", True, {}, "manual"),
    ("B23", "B2", "廉政教育开展次数", "Integrity trainings", 2, "score", "ratio", True,
     {"target": 4}, "manual"),
    ("B3", "B", "预警处置", "Lights handling", 10),
    ("B31", "B3", "未处置红牌", "Open red lights", 4, "score", "deduction", False,
     {"per_event": 2}, "auto", "esupervision.open_red_lights"),
    ("B32", "B3", "未处置黄牌", "Open yellow lights", 3, "score", "deduction", False,
     {"per_event": 1}, "auto", "esupervision.open_yellow_lights"),
    ("B33", "B3", "监督检查整改逾期", "Overdue rectifications", 3, "score", "deduction", False,
     {"per_event": 1}, "auto", "power.overdue_rectifications"),
    ("C", None, "依法行政", "Rule of law", 20),
    ("C1", "C", "制度建设", "Rules", 6),
    ("C11", "C1", "规范性文件备案率", "Normative documents filed", 2, "score", "ratio", True,
     {"target": 1.0}, "manual"),
    ("C12", "C1", "重大决策合法性审查率", "Legality review", 2, "score", "ratio", True,
     {"target": 1.0}, "manual"),
    ("C13", "C1", "公平竞争审查", "Fair competition review", 2, "score", "graded", True, {}, "manual"),
    ("C2", "C", "执法规范", "Law enforcement", 8),
    ("C21", "C2", "行政复议纠错率", "Reconsideration corrections", 3, "score", "band", False,
     {"floor": 0.15, "target": 0.02}, "manual"),
    ("C22", "C2", "行政诉讼败诉率", "Lawsuits lost", 3, "score", "band", False,
     {"floor": 0.2, "target": 0.05}, "manual"),
    ("C23", "C2", "执法案卷合格率", "Case files compliant", 2, "score", "ratio", True,
     {"target": 0.95}, "manual"),
    ("C3", "C", "政务公开", "Open government", 6),
    ("C31", "C3", "主动公开完成率", "Proactive disclosure", 2, "score", "ratio", True,
     {"target": 1.0}, "manual"),
    ("C32", "C3", "依申请公开按期答复率", "Requests answered on time", 2, "score", "ratio", True,
     {"target": 0.98}, "manual"),
    ("C33", "C3", "政府网站建设", "Government website", 2, "score", "graded", True, {}, "manual"),
    ("D", None, "公众满意度", "Public satisfaction", 20),
    ("D1", "D", "群众评价", "Citizens' rating", 12),
    ("D11", "D1", "群众满意度测评", "Satisfaction survey", 6, "score", "band", True,
     {"floor": 0.6, "target": 0.95}, "manual"),
    ("D12", "D1", "民心网诉求办结率", "Complaints resolved", 3, "score", "ratio", True,
     {"target": 0.95}, "manual"),
    ("D13", "D1", "重复投诉率", "Repeat complaints", 3, "score", "band", False,
     {"floor": 0.2, "target": 0.05}, "manual", None, "exclude"),
    ("D2", "D", "社会评议", "Public review", 8),
    ("D21", "D2", "人大代表政协委员评议", "Deputies' review", 4, "score", "graded", True, {}, "manual"),
    ("D22", "D2", "服务对象评议", "Service users' review", 2, "score", "graded", True, {}, "manual"),
    ("D23", "D2", "第三方评估排名", "Third-party ranking", 2, "score", "rank", True, {}, "manual",
     None, "exclude"),
    ("E1", None, "改革创新加分", "Innovation bonus", 3, "bonus", "bonus", True, {"per_unit": 1},
     "manual"),
    ("E2", None, "表彰奖励加分", "Awards bonus", 2, "bonus", "bonus", True, {"per_unit": 0.5},
     "manual"),
    ("V1", None, "发生重大违纪违法案件", "Serious corruption case", 0, "veto", "veto", False,
     {"threshold": 1}, "manual"),
    ("V2", None, "发生重大责任事故", "Serious accident", 0, "veto", "veto", False,
     {"threshold": 1}, "manual"),
]
# manual values per method: (low, high) of the value drawn for a department
RANGES = {"A13": (0.5, 0.95), "A22": (0.55, 1.0), "A31": (0.7, 1.0), "A32": (40, 100),
          "B23": (1, 6), "C11": (0.8, 1.0), "C12": (0.85, 1.0), "C21": (0.0, 0.2),
          "C22": (0.0, 0.25), "C23": (0.8, 1.0), "C31": (0.85, 1.0), "C32": (0.85, 1.0),
          "D11": (0.55, 0.98), "D12": (0.8, 1.0), "D13": (0.02, 0.25), "D23": (50, 100)}
EVIDENCE = "经查阅台账资料、现场核查，评定等次如上。"


def _node(row: tuple, version: TreeVersion, seq: int) -> Indicator:
    defaults = (None, None, "", "", 0, "score", None, True, {}, "auto", None, "zero")
    code, parent, name, en, weight, kind, method, higher, params, source, metric, missing = (
        row + defaults[len(row):])
    return Indicator(version_id=version.id, version_no=version.no, code=code, parent_code=parent,
                     name_zh=name, name_en=en, weight=weight, seq=seq, kind=kind, method=method,
                     higher_is_better=higher, params=json.dumps(params), source=source,
                     metric_key=metric, missing_rule=missing or "zero")


def _quarter(day: date) -> tuple[str, date, date]:
    q = (day.month - 1) // 3
    start = date(day.year, 3 * q + 1, 1)
    end = (date(day.year + (q == 3), (3 * q + 3) % 12 + 1, 1)) - timedelta(days=1)
    return f"{day.year}Q{q + 1}", start, end


def _manual_rows(session: Session, period, share: float, reviewed: float, rng: random.Random) -> list:
    depts = session.execute(select(Department.id, Department.code, Department.region_code)
                            .where(Department.active.is_(True)).order_by(Department.id)).all()
    now = utcnow()
    rows = []
    for leaf in manual_leaves(session=session, version_id=period.version_id):
        code = leaf["code"]
        for d in depts:
            if rng.random() >= share:
                continue
            value = grade = None
            evidence = ""
            if leaf["method"] == "graded":
                grade = rng.choices("ABCD", weights=(4, 4, 2, 1))[0]
                evidence = EVIDENCE
            elif leaf["kind"] in ("bonus", "veto"):
                hit = rng.random() < (0.08 if leaf["kind"] == "bonus" else 0.004)
                if not hit:
                    continue
                value, evidence = (float(rng.randint(1, 3)) if leaf["kind"] == "bonus" else 1.0), EVIDENCE
            else:
                lo, hi = RANGES[code]
                value = round(rng.uniform(lo, hi), 3)
            status = "reviewed" if rng.random() < reviewed else "entered"
            by, checker = CITY_PAIR if d.region_code.startswith(CITY) else PROVINCE_PAIR
            rows.append(dict(period_id=period.id, period_code=period.code, department_id=d.id,
                             department_code=d.code, region_code=d.region_code, indicator_code=code,
                             value=value, grade=grade, evidence=evidence, comment="",
                             evaluator=by, status=status,
                             reviewer=checker if status == "reviewed" else None,
                             reviewed_at=now if status == "reviewed" else None, updated_at=now))
    return rows


def seed_performance(session: Session, *, scale: str) -> dict[str, int]:  # noqa: ARG001
    rng = random.Random(13)
    version = TreeVersion(no=1, status="draft", note="2026年度考评体系", created_by=ACTOR)
    session.add(version)
    session.flush()
    session.add_all(_node(row, version, i) for i, row in enumerate(T))
    session.flush()
    activate_draft(session=session, actor=ACTOR)
    today = china_today()
    current = _quarter(today)
    q_prev = _quarter(current[1] - timedelta(days=1))
    q_prev2 = _quarter(q_prev[1] - timedelta(days=1))
    counts = {"indicators": len(T), "leaves": sum(1 for r in T if len(r) > 5), "periods": 3,
              "manual_scores": 0, "leaf_scores": 0}
    for (code, start, end), closed in ((q_prev2, True), (q_prev, True), (current, False)):
        period = open_period(session=session, actor=ACTOR, code=code, name=f"{code[:4]}年第{code[-1]}季度",
                             kind="quarter", start_on=start, end_on=end)
        rows = _manual_rows(session, period, share=1.0 if closed else 0.9,
                            reviewed=1.0 if closed else 0.8, rng=rng)
        bulk_insert(session.connection(), ManualScore.__table__, rows)
        counts["manual_scores"] += len(rows)
        if closed:
            advance(session=session, actor=ENTERED_BY, code=code)
            advance(session=session, actor=ENTERED_BY, code=code)
            close_period(session=session, actor=REVIEWED_BY, code=code)
        else:
            result = compute_period(session=session, actor=ENTERED_BY, code=code)
            counts["leaf_scores"] = result["leaves"]
    return counts

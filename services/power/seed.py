"""Demo step `power`: a catalog of typical powers per department with versions, flow charts,
risk points and inspections. Deterministic (one seeded random.Random); dates are relative to
the day of seeding so the demo always looks current. Written in bulk, a chunk of departments
at a time.

Gaps planted on purpose so every S1 rule fires, as a province sees them: in a few lax
departments, not spread over every one (a department's bucket is crc32 of its code mod 100, see
`gap_rules`), and in the demo data officers' departments; rates are per eligible row of such a
department:
  * PW-R1 (高 risk point without measures): ~3% of 高 risk points, buckets < 4;
  * PW-Y1 (中 risk point without measures): ~4% of 中 risk points, buckets < 12;
  * PW-Y2 (published power without a valid flow chart): ~2% of published powers, half with
    step limits that add up past the promised limit, half with a step nothing leads to,
    buckets < 12;
  * PW-Y3 (risk point not reviewed for 12 months): ~6% of risk points last reviewed 13–30
    months ago, buckets < 12 (elsewhere reviewed within the year);
  * PW-R2 (rectification overdue): ~25% of inspections past their rectify-by date are not
    rectified, buckets 4–8.
The random draws are the same in every department (a gap outside the lax ones becomes its clean
counterpart without a draw), so the catalog itself does not depend on where the gaps are.
Some drafts also have no flow chart yet (~5%), which keeps them out of publication.
"""

from __future__ import annotations

import random
import zlib
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from metrics.power.risk import CRITERIA, risk_level
from models.base import utcnow
from models.org import Department
from models.power import Inspection, Power, PowerEdge, PowerStep, RiskPoint
from services.platform import audit
from services.platform.bulk import bulk_insert
from services.platform.demo_accounts import DEMO_USERS
from services.power.catalog_data import BASE_POWERS, CATEGORY_PREFIX, FINDINGS, OFFENCES, RISKS, SUB_ITEMS
from services.power.seed_flows import break_flow, build_flow

SEED = 20260501
STEP_COLUMNS = ["power_id", "seq", "name", "post", "limit_days", "supervision_point",
                "discretionary"]
EDGE_COLUMNS = ["power_id", "from_seq", "to_seq", "condition"]
CHUNK = 150
PENALTY_KINDS = ("警告", "罚款", "没收违法所得", "责令停产停业", "暂扣或吊销许可证件")
CF_LAW = "《中华人民共和国行政处罚法》"
QZ_LAW = "《中华人民共和国行政强制法》"
# S1 rules whose gaps a department of bucket b (crc32 of its code mod 100) may show
GAP_BUCKETS = {"PW-R1": range(0, 4), "PW-Y1": range(0, 12), "PW-Y2": range(0, 12),
               "PW-Y3": range(0, 12), "PW-R2": range(4, 9)}


# the departments of the demo's data officers (region, kind): they show every kind of gap, so
# each demo login has lights and 督办 orders to work (services.lights.seed gives them orders)
OFFICER_DEPARTMENTS = frozenset((region, kind) for _, _, roles, region, kind in DEMO_USERS
                                if kind and "data_officer" in roles)


def gap_rules(dept_code: str, region_code: str | None = None, kind: str | None = None) -> frozenset[str]:
    """The S1 rules whose gaps the demo plants in this department (see the module docstring)."""
    if (region_code, kind) in OFFICER_DEPARTMENTS:
        return frozenset(GAP_BUCKETS)
    bucket = zlib.crc32(dept_code.encode()) % 100
    return frozenset(rule for rule, buckets in GAP_BUCKETS.items() if bucket in buckets)


def power_pool(kind: str) -> list[tuple[str, str, str, int, int, float | None]]:
    """Every catalog entry a department of `kind` may hold, base powers first."""
    base = BASE_POWERS.get(kind, [])
    pool = list(base)
    for name, cat, law, stat, prom, fee in base:
        if cat == "行政许可":
            pool += [(f"{name}（{sub}）", cat, law, stat, max(1, prom // 2), fee)
                     for sub in SUB_ITEMS]
            pool.append((f"{name}事项事中事后监督检查", "行政检查", law, 30, 30, None))
    for offence, law in OFFENCES.get(kind, []):
        pool += [(f"对{offence}处以{pk}", "行政处罚", f"{law}；{CF_LAW}", 90, 60, None)
                 for pk in PENALTY_KINDS]
        pool.append((f"对{offence}涉及的场所、设施、财物实施查封扣押", "行政强制",
                     f"{law}；{QZ_LAW}第二十五条", 30, 30, None))
    return pool


def _risk_rows(rng: random.Random, steps: list, today: date,
               gaps: frozenset[str] = frozenset(GAP_BUCKETS)) -> list[dict]:
    candidates = [s for s in steps if s[4] or s[5]] or steps
    rows = []
    picked = rng.sample(candidates, k=min(len(candidates), rng.randint(1, 3)))
    for no, step in enumerate(picked, start=1):
        seq, name = step[0], step[1]
        if "受理" in name:
            idx = 0
        elif "检查" in name or "抽取" in name:
            idx = 7
        elif "处罚" in name or "调查" in name:
            idx = 3
        elif "决定" in name:
            idx = 4
        else:
            idx = rng.choice([1, 2, 5, 6])
        desc, measures = RISKS[idx]
        crit = {c: rng.random() < 0.45 for c in CRITERIA}
        level = risk_level(sum(crit.values()))
        if (level == "高" and rng.random() < 0.03 and "PW-R1" in gaps) or (
                level == "中" and rng.random() < 0.04 and "PW-Y1" in gaps):
            measures = None  # planted: PW-R1 / PW-Y1
        months = rng.randint(13, 30) if rng.random() < 0.06 else rng.randint(0, 11)
        if months > 11 and "PW-Y3" not in gaps:
            months %= 12  # reviewed within the year
        rows.append(dict(no=no, step_seq=seq, description=desc, **crit, level=level, measures=measures,
                         responsible_post=step[2],
                         last_review=today - timedelta(days=months * 30 + rng.randint(0, 20))))
    return rows


def _status(rng: random.Random) -> str:
    r = rng.random()
    return ("published" if r < 0.72 else "confirmed" if r < 0.82
            else "draft" if r < 0.95 else "abolished")


def _department_powers(rng: random.Random, dept, scale: str) -> list[dict]:  # noqa: ANN001
    pool = power_pool(dept.kind)
    n_base = len(BASE_POWERS.get(dept.kind, []))
    n = rng.randint(8, 14) if scale != "province" else rng.randint(34, 46)
    rest = pool[n_base:]
    rng.shuffle(rest)
    chosen = (pool[:n_base] + rest)[:n]
    out = []
    for k, (name, cat, law, stat, prom, fee) in enumerate(chosen, start=1):
        out.append(dict(code=f"{CATEGORY_PREFIX[cat]}-{dept.code}-{k:03d}", name=name,
                        category=cat, department_id=dept.id, region_code=dept.region_code,
                        legal_basis=law, statutory_limit_days=stat, promised_limit_days=prom,
                        fee_standard=fee, online_available=rng.random() < 0.7,
                        status=_status(rng)))
    return out


def _versions(rng: random.Random, p: dict, now: datetime) -> list[dict]:
    """One or two version rows of a catalog entry (edited after publication), with their
    validity: published two years ago; a second version published 400 days ago (before the
    demo's year of cases) retires the first; an abolished one retired a month ago."""
    first, second = now - timedelta(days=730), now - timedelta(days=400)
    if p["status"] != "published" or rng.random() >= 0.12:
        published = first if p["status"] in ("published", "abolished") else None
        retired = now - timedelta(days=30) if p["status"] == "abolished" else None
        return [dict(p, version=1, is_current=True, current_code=p["code"],
                     published_at=published, retired_at=retired)]
    v2_status = "published" if rng.random() < 0.6 else "draft"
    v2_published = second if v2_status == "published" else None
    return [dict(p, version=1, is_current=False, current_code=None, published_at=first,
                 retired_at=v2_published),
            dict(p, version=2, is_current=True, current_code=p["code"], status=v2_status,
                 published_at=v2_published, retired_at=None)]


def seed_power(session: Session, *, scale: str, today: date | None = None) -> dict[str, int]:
    rng = random.Random(SEED)
    today = today or china_today()
    now = utcnow()
    depts = session.execute(select(Department.id, Department.code, Department.kind,
                                   Department.region_code).order_by(Department.id)).all()
    counts = dict.fromkeys(("powers", "power_steps", "power_edges", "risk_points",
                            "inspections"), 0)
    for start in range(0, len(depts), CHUNK):
        chunk = depts[start:start + CHUNK]
        power_rows, flows = [], []
        for dept in chunk:
            gaps = gap_rules(dept.code, dept.region_code, dept.kind)
            for p in _department_powers(rng, dept, scale):
                if p["status"] == "draft" and rng.random() < 0.05:
                    flow = ([], [])
                else:
                    flow = build_flow(rng, p["category"], p["promised_limit_days"])
                drawn = flow
                if flow[0] and p["status"] == "published" and rng.random() < 0.02:
                    drawn = break_flow(rng, flow, p["promised_limit_days"])
                    flow = drawn if "PW-Y2" in gaps else flow
                # risk points are drawn on the flow as drawn (the same draws in every
                # department); those on a step the kept flow lacks are left out
                risks = [r for r in _risk_rows(rng, drawn[0], today, gaps)
                         if r["step_seq"] <= len(flow[0])] if flow[0] else []
                for v in _versions(rng, p, now):
                    power_rows.append(v | {"created_at": now, "updated_at": now})
                    flows.append((flow, risks))
        conn = session.connection()
        bulk_insert(conn, Power.__table__, power_rows)
        id_of = {(c, v): i for c, v, i in conn.execute(
            select(Power.code, Power.version, Power.id)
            .where(Power.department_id.in_([d.id for d in chunk])))}
        ids = [id_of[(r["code"], r["version"])] for r in power_rows]
        steps, edges, risk_rows = [], [], []
        for pid, ((st, ed), risks) in zip(ids, flows, strict=True):
            steps += [(pid, *x) for x in st]
            edges += [(pid, *x) for x in ed]
            risk_rows += [r | {"power_id": pid, "created_at": now, "updated_at": now}
                          for r in risks]
        bulk_insert(conn, PowerStep.__table__, steps, STEP_COLUMNS)
        bulk_insert(conn, PowerEdge.__table__, edges, EDGE_COLUMNS)
        bulk_insert(conn, RiskPoint.__table__, risk_rows)
        insp = _inspections(rng, chunk, today, now)
        bulk_insert(conn, Inspection.__table__, insp)
        counts["powers"] += len(power_rows)
        counts["power_steps"] += len(steps)
        counts["power_edges"] += len(edges)
        counts["risk_points"] += len(risk_rows)
        counts["inspections"] += len(insp)
    audit.record(session, actor="system", action="seed.power", entity_type="power",
                 entity_id="*", after=counts)
    return counts


def _inspections(rng: random.Random, chunk, today: date, now) -> list[dict]:  # noqa: ANN001
    rows = []
    for dept in chunk:
        for k in range(rng.randint(0, 3)):
            inspected = today - timedelta(days=rng.randint(20, 360))
            rectify_by = inspected + timedelta(days=rng.choice([30, 45, 60, 90]))
            r = rng.random()
            if rectify_by < today and r < 0.25:
                # planted: PW-R2; elsewhere rectified on its last day, without a draw
                rectified = None if "PW-R2" in gap_rules(dept.code, dept.region_code, dept.kind) else rectify_by
            elif rectify_by >= today and r < 0.6:
                rectified = None  # still within its deadline
            else:
                rectified = min(today, inspected + timedelta(days=rng.randint(5, 80)))
            rows.append(dict(ref_no=f"JC-{dept.code}-{inspected:%Y%m%d}-{k + 1:02d}",
                             department_id=dept.id, region_code=dept.region_code, power_id=None,
                             inspected_on=inspected, findings=rng.choice(FINDINGS),
                             rectify_by=rectify_by, rectified_on=rectified,
                             inspector=rng.choice(["纪检监察组", "法制科", "督查室"]),
                             created_at=now))
    return rows

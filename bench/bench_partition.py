#!/usr/bin/env python
"""Issue 12 bench: the S4 rules' sync of ONE touched department (what a data officer's upload
of cases costs once committed), with AP-Y6 by power-item group (as registered) and, for
comparison, AP-Y6 recomputed whole (its former "global" partition). Prints JSON.

    python bench/bench_partition.py --database-url sqlite:////tmp/bench_supervision.db
    python bench/bench_partition.py --database-url postgresql://postgres@127.0.0.1:5432/test?options=-csearch_path%3Dbench_s4

On an already seeded database (e.g. `bench/bench_supervision.py --reuse --seed-only
--seed-steps org,power,supervision`, province scale). Syncs the alerts once first, so each timed
run compares against a settled table; `--runs` runs of each variant, median and max."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()

from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from metrics.lights.registry import RULES  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.org import Department  # noqa: E402
from models.users import User  # noqa: E402
from services.lights.groups import resolve_group  # noqa: E402
from services.lights.sync import sync_alerts, sync_partitions  # noqa: E402


def _timed(engine, department: int, rule_ids: list[str], runs: int) -> dict:  # noqa: ANN001
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        sync_partitions(engine, departments={department}, actor="bench", rule_ids=rule_ids)
        times.append(time.perf_counter() - start)
    return {"median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    engine = make_engine(args.database_url)
    s4 = sorted(r for r, rule in RULES.items() if rule.system == "S4")
    with Session(engine) as s:
        department = s.execute(select(User.department_id).where(User.username == "county_data")
                               ).scalar_one_or_none() or s.execute(select(func.min(Department.id))).scalar_one()
        departments = s.execute(select(func.count()).select_from(Department)).scalar_one()
    report: dict = {"database": engine.dialect.name, "departments": departments,
                    "touched_department": department, "runs": args.runs}
    t0 = time.perf_counter()
    sync_alerts(engine, actor="bench", rule_ids=s4)
    report["full_s4_sync_s"] = round(time.perf_counter() - t0, 3)
    t0 = time.perf_counter()
    scope = resolve_group("power_item", engine, frozenset({department}))
    report["group_resolve_s"] = round(time.perf_counter() - t0, 3)
    report["group_departments"] = len(scope.departments)
    report["ap_y6_by_group"] = _timed(engine, department, s4, args.runs)
    grouped = RULES["AP-Y6"]
    RULES["AP-Y6"] = replace(grouped, partition="global", group=None)
    try:
        report["ap_y6_whole"] = _timed(engine, department, s4, args.runs)
    finally:
        RULES["AP-Y6"] = grouped
    engine.dispose()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

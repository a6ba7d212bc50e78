"""S3 score runs at province scale (not a test). Prints one JSON object:

  seed seconds per step (unless --reuse); compute of the open period (every department × 36
  leaves, fed by the S1/S4 data and lights) as a dry run and with its write; one department's
  drill-down (card: tree rollup + leaves) cold and warm, and the records behind its most costly
  leaf; peak RSS.

Targets (2 cores): compute ≤ 5 s, drill-down ≤ 1 s warm.

    python bench/bench_scores.py [--scale province|small] [--database-url URL] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()

import polars as pl  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import models  # noqa: E402,F401
import services.platform.demo as seed_mod  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from models.org import Region  # noqa: E402
from models.performance import Period  # noqa: E402
from services.performance import read  # noqa: E402
from services.performance.run import compute_period  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.scope import ALL  # noqa: E402


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def seed(engine, scale: str) -> dict[str, float]:  # noqa: ANN001
    times: dict[str, float] = {}
    with session_scope(engine) as s:
        for name, step in seed_mod.SEED_STEPS:
            started = time.perf_counter()
            step(s, scale=scale)
            times[name] = round(time.perf_counter() - started, 2)
    return times


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", default="province", choices=("province", "small"))
    ap.add_argument("--database-url")
    ap.add_argument("--reuse", action="store_true", help="keep and reuse the seeded database")
    args = ap.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.gettempdir()) / f'bench_scores_{args.scale}.db'}"
    engine = make_engine(url)
    out: dict = {"backend": engine.dialect.name, "scale": args.scale}
    with Session(engine) as s:
        upgrade_to_head(engine)
        SQLModel.metadata.create_all(engine)
        seeded = s.execute(select(func.count()).select_from(Region)).scalar_one() > 0
    if seeded and not args.reuse:
        sys.exit("the database is not empty: pass --reuse, or another --database-url")
    if not seeded:
        out["seed_seconds"] = seed(engine, args.scale)
    with Session(engine) as s:
        code = s.execute(select(Period.code).where(Period.status != "closed")
                         .order_by(Period.start_on.desc())).scalars().first()
    marks: list[tuple[str, float]] = []
    for label, dry in (("compute_dry_run", True), ("compute_and_write", False)):
        started = time.perf_counter()
        with session_scope(engine) as s:
            summary = compute_period(session=s, actor="bench", code=code, dry_run=dry,
                                     progress=lambda stage, _f: marks.append((stage, time.perf_counter())))
        out[label] = round(time.perf_counter() - started, 2)
        if dry:  # seconds per metric (a stage lasts until the next one starts)
            stamps = [("start", started), *marks]
            out["dry_run_stages"] = {a[0]: round(b[1] - a[1], 2) for a, b in zip(stamps[1:], stamps[2:])}
    out["departments"], out["leaves"] = summary["departments"], summary["leaves"]
    with Session(engine) as s:
        board = read.ranking(session=s, scope=ALL, period_code=code)
    dept = int(board["department_id"][-1])  # the last of the ranking: most points lost
    for label in ("drilldown_cold", "drilldown_warm"):
        started = time.perf_counter()
        with Session(engine) as s:
            card = read.card(session=s, scope=ALL, period_code=code, department_id=dept)
            leaves = card["leaves"].filter(pl.col("source") == "auto")
            lost = (leaves.with_columns((pl.col("effective_weight") - pl.col("points")).alias("lost"))
                    .sort("lost", descending=True).row(0, named=True))
            records = read.leaf_records(session=s, scope=ALL, leaf=lost)
        out[label] = round(time.perf_counter() - started, 2)
    out["drilldown_leaf"], out["drilldown_records"] = lost["code"], records.height
    out["peak_rss_mb"] = rss_mb()
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()

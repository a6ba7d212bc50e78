"""Alert sync at province scale: N alerts from a synthetic rule, then an unchanged re-run, then a
run where 10% of the facts change and 5% of the subjects are gone. Prints JSON timings.

    python bench/bench_alert_sync.py [--url sqlite:////tmp/bench.db] [--n 100000]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import startup  # noqa: E402

startup.boot()

from sqlalchemy import text  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

import models  # noqa: E402,F401
from metrics.lights.registry import RULES, Rule, facts_json, register  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from services.lights.sync import sync_alerts  # noqa: E402
from services.platform.org import departments_frame  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.scope import ALL  # noqa: E402
from services.platform.seed import seed_org  # noqa: E402


def _rule(frames, params):  # noqa: ANN001, ANN202
    return frames["bench"].select(
        pl.lit("bench").alias("subject_type"), pl.col("id").alias("subject_id"),
        "department_id", "region_code", facts_json(pl.col("value"), pl.col("limit")))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="sqlite:////tmp/bench_alert_sync.db")
    ap.add_argument("--n", type=int, default=100_000)
    args = ap.parse_args()
    engine = make_engine(args.url)
    if engine.dialect.name == "sqlite":
        Path(engine.url.database).unlink(missing_ok=True)
    else:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_to_head(engine)
    SQLModel.metadata.create_all(engine)
    with session_scope(engine) as s:
        seed_org(s, scale="province")
    with session_scope(engine) as s:
        depts = departments_frame(ALL, session=s)
    register(Rule(id="BENCH-R1", system="S4", level="red", subject_type="bench", title_key="x",
                  definition_key="x", basis_key="x", inputs=("bench",), fn=_rule))
    n = args.n
    idx = pl.int_range(0, n, eager=True)
    frame = pl.DataFrame({
        "id": idx.cast(pl.String),
        "department_id": depts["id"].gather(idx % depts.height),
        "region_code": depts["region_code"].gather(idx % depts.height),
        "value": idx, "limit": pl.repeat(10, n, eager=True),
    })
    changed = frame.with_columns(
        pl.when(pl.col("value") % 10 == 0).then(pl.col("value") + 1).otherwise(pl.col("value"))
        .alias("value")).filter(pl.col("value") % 20 != 1)
    out = {"backend": engine.dialect.name, "alerts": n}
    for name, inputs in [("first_all_new", frame), ("second_unchanged", frame),
                         ("third_10pct_changed_5pct_gone", changed)]:
        started = time.perf_counter()
        r = sync_alerts(engine, actor="bench", rule_ids=["BENCH-R1"], inputs={"bench": inputs})
        out[name] = {"seconds": round(time.perf_counter() - started, 2), "new": r.new,
                     "updated": r.updated, "cleared": r.cleared, "unchanged": r.unchanged}
    RULES.pop("BENCH-R1")
    print(json.dumps(out))


if __name__ == "__main__":
    main()

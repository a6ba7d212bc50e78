"""S4 e-supervision at province scale (not a test). Prints one JSON object per backend:

  seed seconds per step; sync-alerts end to end (read + rules + upsert: the first run that
  inserts every alert, and a second steady-state run); the S4 loaders alone; the S4 rules alone
  on frames in memory; the cockpit in AppTest, cold and warm; peak RSS.

Targets (2 cores): sync ≤ 20 s, rules ≤ 2 s, cockpit warm ≤ 1 s, peak RSS ≤ 4 GB.

    python bench/bench_supervision.py [--backends sqlite,postgresql] [--scale province]
        [--pg postgresql://postgres@127.0.0.1:5432/test]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402

import models  # noqa: E402,F401
import services.seed as seed_mod  # noqa: E402
from metrics.rules import RULES, evaluate  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.supervision import ApprovalCase, CaseStep, FundPayment  # noqa: E402
from services.alerts import sync_alerts  # noqa: E402
from services.rule_inputs import load_inputs  # noqa: E402
from services.schema import upgrade_to_head  # noqa: E402
from services.settings import get_settings  # noqa: E402


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def top_profile(prof: cProfile.Profile, n: int = 12) -> list[str]:
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(n)
    return [line.strip() for line in out.getvalue().splitlines() if line.strip()][-n:]


def database(backend: str, pg: str) -> str:
    if backend == "sqlite":
        path = Path(tempfile.gettempdir()) / f"bench_supervision_{os.getpid()}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = make_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as c:
        c.execute(text("DROP SCHEMA IF EXISTS bench_s4 CASCADE"))
        c.execute(text("CREATE SCHEMA bench_s4"))
    admin.dispose()
    return pg.replace("postgresql://", "postgresql+psycopg://", 1) + "?options=-csearch_path%3Dbench_s4"


def seed(engine, scale: str) -> dict:  # noqa: ANN001
    times: dict[str, float] = {}
    steps = [(n, f) for n, f in seed_mod.SEED_STEPS if n != "lights"]

    def timed(name, fn):  # noqa: ANN001, ANN202
        def run(session, **kw):  # noqa: ANN001, ANN003, ANN202
            t0 = time.perf_counter()
            out = fn(session, **kw)
            times[name] = round(time.perf_counter() - t0, 1)
            print(f"  seeded {name} in {times[name]} s: {out}", file=sys.stderr, flush=True)
            return out
        return run

    original = list(seed_mod.SEED_STEPS)
    seed_mod.SEED_STEPS[:] = [(n, timed(n, f)) for n, f in steps]
    try:
        t0 = time.perf_counter()
        seed_mod.seed_demo(engine, scale=scale)
        times["total_with_commit"] = round(time.perf_counter() - t0, 1)
    finally:
        seed_mod.SEED_STEPS[:] = original
    return times


def cockpit(url: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ["FIVESYS_DEMO_MODE"] = "true"
    get_settings.cache_clear()
    sys.path.insert(0, str(ROOT / "tests"))
    from tests.app.helpers import login, open_page

    at = login("prov_leader")
    t0 = time.perf_counter()
    open_page(at, "pages/cockpit.py")
    cold = time.perf_counter() - t0
    assert not at.exception, at.exception
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    return {"cockpit_cold_s": round(cold, 2), "cockpit_warm_s": round(warm, 2)}


def bench(backend: str, scale: str, pg: str) -> dict:
    url = database(backend, pg)
    engine = make_engine(url)
    upgrade_to_head(engine)
    SQLModel.metadata.create_all(engine)
    result: dict = {"backend": backend, "scale": scale}
    print(f"[{backend}] seeding {scale} …", file=sys.stderr, flush=True)
    result["seed_s"] = seed(engine, scale)
    with Session(engine) as s:
        result["rows"] = {
            "cases": s.execute(select(func.count()).select_from(ApprovalCase)).scalar_one(),
            "case_steps": s.execute(select(func.count()).select_from(CaseStep)).scalar_one(),
            "fund_payments": s.execute(select(func.count()).select_from(FundPayment)).scalar_one()}
    s4 = [RULES[k] for k in sorted(RULES) if RULES[k].system == "S4"]
    names = {n for r in s4 for n in r.inputs}
    t0 = time.perf_counter()
    prof = cProfile.Profile()
    prof.enable()
    frames = load_inputs(engine, names)
    prof.disable()
    result["s4_loaders_s"] = round(time.perf_counter() - t0, 2)
    result["s4_loaders_profile"] = top_profile(prof)
    t0 = time.perf_counter()
    per_rule = {}
    for r in s4:
        t1 = time.perf_counter()
        per_rule[r.id] = [evaluate(r, frames).height, round(time.perf_counter() - t1, 3)]
    result["s4_rules_in_memory_s"] = round(time.perf_counter() - t0, 2)
    result["s4_rules"] = per_rule
    del frames
    for label in ("sync_first_s", "sync_steady_s"):
        print(f"[{backend}] {label} …", file=sys.stderr, flush=True)
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        res = sync_alerts(engine, actor="bench")
        prof.disable()
        result[label] = round(time.perf_counter() - t0, 2)
        result[label.replace("_s", "_counts")] = {k: v for k, v in res.as_dict().items() if v}
        if label == "sync_first_s":
            result["sync_first_profile"] = top_profile(prof)
    print(f"[{backend}] cockpit …", file=sys.stderr, flush=True)
    try:
        result |= cockpit(url)
    except Exception as exc:  # noqa: BLE001  (a benchmark reports, never stops halfway)
        result["cockpit_error"] = repr(exc)[:300]
    result["peak_rss_mb"] = rss_mb()
    engine.dispose()
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--scale", default="province")
    ap.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL",
                                                   "postgresql://postgres@127.0.0.1:5432/test"))
    args = ap.parse_args()
    for backend in args.backends.split(","):
        print(json.dumps(bench(backend, args.scale, args.pg), ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()

"""S4 e-supervision at province scale (not a test). Prints one JSON object per backend:

  seed seconds per step; sync-alerts end to end (read + rules + upsert: the first run that
  inserts every alert, and a second steady-state run); the S4 loaders alone; the S4 rules alone
  on frames in memory; the cockpit in AppTest, cold and warm; peak RSS.

Targets (2 cores): sync ≤ 20 s, rules ≤ 2 s, cockpit warm ≤ 1 s, peak RSS ≤ 4 GB.

    python bench/bench_supervision.py [--backends sqlite,postgresql] [--scale province]
        [--pg postgresql://postgres@127.0.0.1:5432/test] [--reuse] [--seed-only]
        [--seed-steps org,power,supervision]

`--seed-steps` seeds only the named steps of the demo seed (the README's S4 figures were
first measured on org, power and supervision, before the S2/S3/S5 seeds existed).
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

import startup  # noqa: E402

startup.boot()

from sqlalchemy import func, select, text  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

import models  # noqa: E402,F401
import services.platform.demo as seed_mod  # noqa: E402
from i18n import DEFAULT_LANGUAGE, translate  # noqa: E402
from metrics.lights.registry import RULES, evaluate  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.esupervision import ApprovalCase, CaseStep, FundPayment  # noqa: E402
from services.lights.inputs import load_inputs  # noqa: E402
from services.lights.sync import sync_alerts  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.settings import DEMO_PASSWORD, get_settings  # noqa: E402

APPTEST_TIMEOUT = 600  # a province-scale cold cockpit reads millions of rows


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def top_profile(prof: cProfile.Profile, n: int = 12) -> list[str]:
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(n)
    return [line.strip() for line in out.getvalue().splitlines() if line.strip()][-n:]


def database(backend: str, pg: str, *, reuse: bool) -> str:
    """A fresh database (or, with `reuse`, the one a previous run seeded and kept)."""
    if backend == "sqlite":
        path = Path(tempfile.gettempdir()) / "bench_supervision.db"
        if not reuse:
            path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    admin = make_engine(pg.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as c:
        if not reuse:
            c.execute(text("DROP SCHEMA IF EXISTS bench_s4 CASCADE"))
        c.execute(text("CREATE SCHEMA IF NOT EXISTS bench_s4"))
    admin.dispose()
    return pg.replace("postgresql://", "postgresql+psycopg://", 1) + "?options=-csearch_path%3Dbench_s4"


def seed(engine, scale: str, only: set[str] | None = None) -> dict:  # noqa: ANN001
    times: dict[str, float] = {}
    steps = [(n, f) for n, f in seed_mod.SEED_STEPS
             if n != "lights" and (only is None or n in only)]

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


def login(username: str) -> AppTest:
    """The app in AppTest, logged in through the real form (benches never import tests)."""
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=APPTEST_TIMEOUT)
    at.run()
    at.text_input[0].input(username)
    at.text_input[1].input(DEMO_PASSWORD)
    at.button[0].click()
    at.run()
    if at.exception:
        raise RuntimeError(f"login as {username} failed: {at.exception}")
    return at


def cockpit(url: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ["FIVESYS_DEMO_MODE"] = "true"
    get_settings.cache_clear()
    at = login("prov_leader")
    t0 = time.perf_counter()
    at.switch_page("pages/lights/cockpit.py")
    at.run()
    cold = time.perf_counter() - t0
    if at.exception:
        raise RuntimeError(f"cockpit failed: {at.exception}")
    # warm: a rerun once the ranking's background counts are in, not one racing that job
    waiting = translate("esupervision.rank.computing", DEFAULT_LANGUAGE)
    while any(i.value == waiting for i in at.info):
        time.sleep(0.5)
        at.run()
    background = time.perf_counter() - t0
    t0 = time.perf_counter()
    at.run()
    warm = time.perf_counter() - t0
    return {"cockpit_cold_s": round(cold, 2), "cockpit_background_s": round(background, 2),
            "cockpit_warm_s": round(warm, 2)}


def bench(backend: str, scale: str, pg: str, *, reuse: bool, seed_only: bool,
          seed_steps: set[str] | None = None) -> dict:
    url = database(backend, pg, reuse=reuse)
    engine = make_engine(url)
    upgrade_to_head(engine)
    SQLModel.metadata.create_all(engine)
    result: dict = {"backend": backend, "scale": scale}
    with Session(engine) as session:
        empty = seed_mod.database_is_empty(session=session)
    if reuse and not empty:
        result["seed_s"] = "reused"
        with engine.begin() as conn:  # the first sync below must start from no alert
            for table in ("supervision_order_alert", "alert_event", "alert"):
                conn.execute(text(f"DELETE FROM {table}"))
    else:
        print(f"[{backend}] seeding {scale} …", file=sys.stderr, flush=True)
        result["seed_s"] = seed(engine, scale, seed_steps)
    if seed_only:
        return result
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


def synthetic_rules(n_cases: int, steps_per_case: int = 5) -> dict:
    """The S4 rules alone on province-sized frames built in memory (no database): a quick
    figure for `rules ≤ 2 s` while a full seed is not at hand."""
    from datetime import date

    import numpy as np
    import polars as pl

    from metrics.esupervision import rules as r

    rng = np.random.default_rng(1)
    start = np.datetime64("2025-11-01")
    recv = start + rng.integers(0, 365, n_cases).astype("timedelta64[D]")
    limit = rng.integers(3, 30, n_cases)
    elapsed = (limit * rng.uniform(0.1, 1.1, n_cases)).astype(np.int32)
    status = rng.choice(["finished", "in_progress", "rejected", "withdrawn"], n_cases, p=[.9, .04, .05, .01])
    fin = np.where(status == "in_progress", np.datetime64("NaT"), recv + (elapsed * 1.4).astype("timedelta64[D]"))
    cases = pl.DataFrame({
        "case_id": np.arange(n_cases), "case_no": [f"C{i}" for i in range(n_cases)],
        "power_id": rng.integers(0, 40_000, n_cases), "power_code": None, "power_category": "行政许可",
        "power_name": rng.integers(0, 600, n_cases).astype(str), "power_version": 1,
        "department_id": rng.integers(0, 1380, n_cases), "region_code": "210102", "channel": "online",
        "status": status, "received_on": recv, "finished_on": fin, "limit_days": limit,
        "suspended_workdays": 0, "deadline": recv + (limit * 1.4).astype("timedelta64[D]"),
        "elapsed_workdays": elapsed, "fee_charged": 0.0, "fee_standard": None,
        "online_available": True, "reject_reason": "理由"}).with_columns(
        (pl.col("department_id").cast(pl.String) + ":" + pl.col("power_name")).alias("power_code")
    ).select(list(r.CASES_SCHEMA)).cast(r.CASES_SCHEMA)
    n_steps = n_cases * steps_per_case
    steps = pl.DataFrame({
        "case_id": np.repeat(np.arange(n_cases), steps_per_case), "seq": np.tile(np.arange(1, steps_per_case + 1), n_cases),
        "pass_no": 1, "step_name": "审查", "started_on": np.repeat(recv, steps_per_case), "finished_on": np.repeat(recv, steps_per_case),
        "step_limit_days": rng.integers(1, 6, n_steps), "step_elapsed_workdays": rng.integers(0, 6, n_steps),
        "step_order": np.tile(np.arange(1, steps_per_case + 1), n_cases)}).select(list(r.STEPS_SCHEMA)).cast(r.STEPS_SCHEMA)
    edges = pl.DataFrame({"power_id": np.repeat(np.arange(40_000), steps_per_case - 1),
                          "from_seq": np.tile(np.arange(1, steps_per_case), 40_000),
                          "to_seq": np.tile(np.arange(2, steps_per_case + 1), 40_000)}).cast(r.EDGES_SCHEMA)
    n_pay = n_cases // 2
    pays = pl.DataFrame({
        "payment_id": np.arange(n_pay), "fund_id": rng.integers(0, 8000, n_pay), "fund_code": "F",
        "department_id": 1, "region_code": "210102", "recipient_name": "甲",
        "recipient_uscc": rng.integers(0, 50_000, n_pay).astype(str), "amount": rng.uniform(1e3, 1e5, n_pay).round(2),
        "paid_on": start + rng.integers(0, 365, n_pay).astype("timedelta64[D]"), "voucher": "V",
        "approval_threshold": 100_000.0}).cast(r.PAYMENTS_SCHEMA)
    funds = pl.DataFrame({"fund_id": np.arange(8000), "code": [f"F{i}" for i in range(8000)], "name": "资金",
                          "department_id": 1, "region_code": "210102", "year": 2026, "budget": 3e6,
                          "allocated_on": date(2026, 1, 10), "approval_threshold": 1e5}).cast(r.FUNDS_SCHEMA)
    susp = pl.DataFrame({"suspension_id": np.arange(60_000), "case_id": np.arange(60_000), "case_no": "C",
                         "department_id": 1, "region_code": "210102", "kind": "补正材料",
                         "start_on": date(2026, 5, 1), "end_on": date(2026, 5, 8),
                         "reason": "缺材料", "suspension_workdays": rng.integers(1, 14, 60_000)}).cast(r.SUSPENSIONS_SCHEMA)
    flow_steps = pl.DataFrame({"power_id": np.repeat(np.arange(40_000), steps_per_case),
                               "seq": np.tile(np.arange(1, steps_per_case + 1), 40_000)}).cast(r.FLOW_STEPS_SCHEMA)
    frames = {"ap_cases": cases, "ap_steps": steps, "ap_flow_edges": edges, "ap_suspensions": susp,
              "ap_flow_steps": flow_steps,
              "fd_funds": funds, "fd_payments": pays,
              "clock": pl.DataFrame({"today": [date(2026, 11, 27)]})}
    s4 = [RULES[k] for k in sorted(RULES) if RULES[k].system == "S4"]
    per_rule, t0 = {}, time.perf_counter()
    for rule in s4:
        t1 = time.perf_counter()
        per_rule[rule.id] = [evaluate(rule, frames).height, round(time.perf_counter() - t1, 3)]
    return {"synthetic_cases": n_cases, "synthetic_steps": n_steps, "synthetic_payments": n_pay,
            "s4_rules_in_memory_s": round(time.perf_counter() - t0, 2), "s4_rules": per_rule,
            "peak_rss_mb": rss_mb()}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--backends", default="sqlite,postgresql")
    ap.add_argument("--scale", default="province")
    ap.add_argument("--pg", default=os.environ.get("TEST_DATABASE_URL",
                                                   "postgresql://postgres@127.0.0.1:5432/test"))
    ap.add_argument("--synthetic", type=int, default=0,
                    help="only time the rules on N synthetic cases in memory (no database)")
    ap.add_argument("--reuse", action="store_true",
                    help="keep the seeded database between runs (SQLite file in the temp folder, "
                         "PostgreSQL schema bench_s4) and skip the seed when it holds data")
    ap.add_argument("--seed-only", action="store_true", help="seed (with --reuse: keep) and stop")
    ap.add_argument("--seed-steps", default="",
                    help="comma-separated seed steps (default: every step but the lights)")
    args = ap.parse_args()
    if args.synthetic:
        print(json.dumps(synthetic_rules(args.synthetic), ensure_ascii=False), flush=True)
        return
    only = set(args.seed_steps.split(",")) if args.seed_steps else None
    for backend in args.backends.split(","):
        print(json.dumps(bench(backend, args.scale, args.pg, reuse=args.reuse,
                               seed_only=args.seed_only, seed_steps=only), ensure_ascii=False),
              flush=True)


if __name__ == "__main__":
    main()

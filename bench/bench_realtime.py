#!/usr/bin/env python
"""Issue 12 bench: a data officer's upload of 1, 100 and 10,000 approval cases -> their lights
committed (import commit, then the sync worker's partitioned drain), p50/p95 over `--runs`
runs; plus the daily sweep, the full sync, and the full read of every rule input against a
plain scan of the same rows (bench/plain_scan.py). Prints JSON.

    python bench/bench_realtime.py                      # small demo, temporary SQLite file
    python bench/bench_realtime.py --database-url postgresql://postgres@127.0.0.1:5432/test

`--full-runs N` repeats the sweep and the full sync N times on the same copy (each sweep moves
the same lights to tomorrow, each full sync moves them back) and prints every full sync's time
with its CPU seconds: this process's, and the machine's (every process, the database's too:
/proc/stat), so a miss can be told from a slow machine or a busy one.

A fresh database each run (a temporary SQLite file, or a PostgreSQL schema of its own that is
dropped afterwards), seeded with the demo province (`--scale small|province`). With `--seeded
DIR` (SQLite) or `--seeded NAME` (PostgreSQL: a database of that name beside the URL's), the
seed is kept there and each run works on a copy of it (file copy; `CREATE DATABASE … TEMPLATE`),
so a province is seeded once (6-7 min), not per run. Each upload is
new cases of one county department (county_data), so each drain is a sync of one partition;
the figure is from the start of the commit to the end of the drain ("lights committed")."""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()

from bench_ingest import _database  # noqa: E402
from cpu_seconds import CpuSeconds  # noqa: E402
from plain_scan import full_read_against_plain_scan  # noqa: E402
from rss_sampler import TreeRss  # noqa: E402
from seeded_copy import seeded_copy  # noqa: E402
from sqlalchemy import select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from core.clock import china_today, one_today  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from models.power import Power  # noqa: E402
from models.users import User  # noqa: E402
from services.lights.queue import drain, sweep  # noqa: E402
from services.lights.sync import sync_alerts  # noqa: E402
from services.platform import ingest  # noqa: E402
from services.platform.demo import seed_demo  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.scope import scope_for  # noqa: E402
from services.platform.sqlite_reader import SqliteReader  # noqa: E402
from services.power.catalog import in_force_clause  # noqa: E402

HEAD = "办件编号,职权编码,受理渠道,受理日期,受理时间,办理状态,办结日期,办结时间,不予许可理由,实收费用\n"


def _cases_csv(code: str, fee: float, n: int, tag: str) -> bytes:
    day = china_today() - timedelta(days=30)
    done = day + timedelta(days=2)
    rows = [f"BR-{tag}-{i},{code},窗口,{day},10:00,已办结,{done},16:00,,{fee + (i % 3) * 40}\n"
            for i in range(n)]
    return (HEAD + "".join(rows)).encode("utf-8")


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 3)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database-url")
    ap.add_argument("--scale", choices=("small", "province"), default="small")
    ap.add_argument("--sizes", default="1,100,10000")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--full-runs", type=int, default=1, help="sweeps and full syncs (see the docstring)")
    ap.add_argument("--seeded", help="keep the seed here and work on a copy (see the docstring)")
    ap.add_argument("--seed-only", action="store_true", help="with --seeded: seed, then stop")
    args = ap.parse_args(argv)
    if args.seeded:
        url, drop, seed_s = seeded_copy(args.database_url, args.seeded, args.scale)
    else:
        (url, drop), seed_s = _database(args.database_url), None
    engine = make_engine(url)
    report: dict = {"database": engine.dialect.name, "scale": args.scale, "runs": args.runs}
    try:
        if seed_s is None:
            upgrade_to_head(engine)
            t0 = time.perf_counter()
            seed_demo(engine, scale=args.scale)
            seed_s = round(time.perf_counter() - t0, 2)
        report["seed_s"] = seed_s
        if args.seed_only:
            return 0
        with Session(engine) as s:
            user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
            scope = scope_for(user, session=s)
            power = s.execute(select(Power).where(in_force_clause(),
                                                  Power.department_id == user.department_id)
                              .order_by(Power.id)).scalars().first()
        fee = float(power.fee_standard or 0)
        # memory by phase: this process's peak so far (ru_maxrss, KiB on Linux), and the peak of
        # this process and its reader processes together, sampled (bench/rss_sampler.py)
        rss = report["peak_rss_by_phase_mb"] = {}

        def mark(phase: str, tree: TreeRss) -> None:
            rss[phase] = {"process_so_far": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                          "with_readers": max(tree.peak_mb, rss.get(phase, {}).get("with_readers", 0))}

        # on the province as seeded, before the uploads add their (up to 200,000) cases: the
        # sweep of tomorrow (lights move, as just after midnight), then the full sync of today
        # (which moves them back): both write what they find
        for run in range(args.full_runs):
            t0 = time.perf_counter()
            with one_today(china_today() + timedelta(days=1)), TreeRss() as tree:
                swept = sweep(engine, actor="bench")
            sweep_s = round(time.perf_counter() - t0, 3)
            mark("sweep", tree)
            with TreeRss() as tree, CpuSeconds() as cpu:
                full = sync_alerts(engine, actor="bench")
            mark("full_sync", tree)
            if run == 0:
                report |= {"sweep_s": sweep_s, "sweep_changed": swept.changed,
                           "full_sync_s": cpu.wall_s, "full_sync_changed": full.changed,
                           "full_sync_runs": []}
            report["full_sync_runs"].append({"sweep_s": sweep_s, "full_sync_s": cpu.wall_s,
                                             "process_cpu_s": cpu.process_s, "machine_cpu_s": cpu.machine_s})
        report["full_sync_median_s"] = round(statistics.median(r["full_sync_s"] for r in report["full_sync_runs"]), 3)
        with TreeRss() as tree:
            report["full_read"] = full_read_against_plain_scan(engine)
        mark("full_read_and_plain_scan", tree)
        with TreeRss() as uploads:
            for size in (int(x) for x in args.sizes.split(",")):
                times, commits = [], []
                for run in range(args.runs):
                    content = _cases_csv(power.current_code, fee, size, f"{size}-{run}")
                    with session_scope(engine) as s:
                        prepared = ingest.prepare("approval_cases", "cases.csv", content, session=s,
                                                  actor=user.username, scope=scope)
                    assert prepared.status == "ready", prepared.errors
                    start = time.perf_counter()
                    done = ingest.commit(engine, prepared, actor=user.username, scope=scope)
                    commits.append(time.perf_counter() - start)
                    assert done.status == "committed"
                    drain(engine, actor="bench")
                    times.append(time.perf_counter() - start)
                report[f"upload_{size}"] = {
                    "commit_p50_s": _percentile(commits, 0.5), "commit_p95_s": _percentile(commits, 0.95),
                    "lights_p50_s": _percentile(times, 0.5), "lights_p95_s": _percentile(times, 0.95)}
        mark("uploads", uploads)
        # the process's peak (the seed included when seeded here); on SQLite the full reads run
        # in READERS reader processes (services.platform.snapshot): the largest one's own peak
        # (VmHWM), and the peak of this process and the readers together, sampled
        report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        report["peak_rss_with_readers_mb"] = max(p["with_readers"] for p in rss.values())
        if engine.dialect.name == "sqlite":
            report["reader_peak_rss_mb"] = round(SqliteReader.largest_peak_mb)
    finally:
        engine.dispose()
        drop()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Part 2 of the hostile sweep: `manage.py import users FILE` killed with SIGKILL at random
points of its run. After each kill the file's rows are all there or none, its batch record
agrees (one committed batch exactly when the rows are there), and at the end the audit chain
verifies and (SQLite) the database passes its integrity check."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import func, select, text
from sqlmodel import Session

from models.imports import ImportBatch
from models.org import Department
from models.users import User
from services.platform.audit import verify_chain

ROOT = Path(__file__).resolve().parent.parent


def _env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIVESYS_")}
    env.update({"DATABASE_URL": url, "FIVESYS_SECRET_FILE": os.environ["FIVESYS_SECRET_FILE"],
                "FIVESYS_UPLOAD_MAX_ROWS": os.environ.get("FIVESYS_UPLOAD_MAX_ROWS", "500000")})
    return env


def _state(engine, prefix: str, name: str) -> tuple[int, int, int]:  # noqa: ANN001
    with Session(engine) as s:
        rows = s.execute(select(func.count()).select_from(User)
                         .where(User.username.startswith(prefix))).scalar_one()
        batches = s.execute(select(ImportBatch.status).where(ImportBatch.file_name == name)).scalars().all()
    return rows, batches.count("committed"), len(batches)


def _run(url: str, path: Path, kill_after: float | None) -> tuple[float, bool]:
    """(seconds, killed): the import, killed with SIGKILL after `kill_after` s if still running."""
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "manage.py", "import", "users", str(path)],
                            cwd=ROOT, env=_env(url), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=kill_after)
        return time.perf_counter() - started, False
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return time.perf_counter() - started, True


def part_kill(engine, url: str, *, runs: int, rows: int, tmp: Path, seed: int = 17) -> dict:  # noqa: ANN001
    from bench_ingest import generate_csv

    with Session(engine) as s:
        depts = [tuple(d) for d in s.execute(select(Department.code, Department.region_code)).all()]
    template = generate_csv(rows, depts)
    rng = random.Random(seed)
    # calibration: two runs to the end, so the kill points spread over a whole import (the
    # faster one: a kill after the end kills nothing); a run that ends before its kill
    # shortens it again
    full_s = calibrated = None
    for cal in range(2):
        path = tmp / f"kill_cal{cal}.csv"
        path.write_bytes(template.replace(b"bench_", f"kcal{cal}_".encode()))
        took, _ = _run(url, path, None)
        full_s = took if full_s is None else min(full_s, took)
        calibrated = _state(engine, f"kcal{cal}_", path.name)
    outcomes = {"none": 0, "all": 0, "partial": 0}
    bad_batches, points, run = 0, [], 0
    while sum(p["killed"] for p in points) < runs and run < 2 * runs:  # `runs` kills
        prefix = f"k{run:02d}_"
        path = tmp / f"kill_{run:02d}.csv"
        path.write_bytes(template.replace(b"bench_", prefix.encode()))
        at = rng.uniform(0.35, 1.0) * full_s  # after the interpreter's start-up
        took, killed = _run(url, path, at)
        if not killed:
            full_s = min(full_s, took)
        stored, committed, _ = _state(engine, prefix, path.name)
        outcome = "none" if stored == 0 else "all" if stored == rows else "partial"
        outcomes[outcome] += 1
        if (outcome == "all") != (committed == 1) or committed > 1:
            bad_batches += 1
        points.append({"kill_at_s": round(at, 2), "killed": killed, "rows": outcome})
        run += 1
    report = verify_chain(engine)
    integrity = None
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            integrity = conn.execute(text("PRAGMA integrity_check")).scalar_one()
    return {"runs": len(points), "rows_per_file": rows, "full_import_s": round(full_s, 1),
            "calibration_rows_stored": calibrated[0],
            "killed": sum(p["killed"] for p in points), "rows_none": outcomes["none"],
            "rows_all": outcomes["all"], "rows_partial": outcomes["partial"],
            "batch_record_disagrees": bad_batches, "audit_chain_ok": report.ok,
            "sqlite_integrity": integrity, "kill_points": points}

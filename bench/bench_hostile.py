#!/usr/bin/env python
"""Issue 17's hostile sweep, replayed: prints the counts its closing note asks for as JSON.

    python bench/bench_hostile.py
    python bench/bench_hostile.py --database-url postgresql://postgres@127.0.0.1:5432/scratch

A fresh database each run (a temporary SQLite file, or a PostgreSQL schema of its own in the
database named, dropped afterwards), seeded with the small demo province, with an installation
secret of its own. `streamlit run serve.py` runs on it on a free loopback port the whole time;
`/_stcore/health` is polled every 0.5 s and the server's memory sampled. The parts:

1. files: every hostile class (bombs, extents, formulas, broken archives and CSVs, scope) for
   every upload kind, through `ingest.prepare` as the upload page calls it (in the process
   that serves the page; here this one), as the user the kind is for and as a county data
   officer; controls write, hostile files must not (row counts before/after); then the
   classes of one kind through the real upload page of the server, in headless Chromium
   (bench/hostile_browser.py), so the server itself refuses them;
2. kill: `manage.py import` killed with SIGKILL at random points: before or after, never half;
3. payloads: injection strings in text fields of uploads, the entry form and services, stored
   verbatim, nothing else changed (bench/hostile_inject.py);
4. logins and 5. audit tampering (bench/hostile_auth.py);
6. scoped reads of every scope-taking read service as county users (bench/hostile_scoped.py).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
_TMP = Path(tempfile.mkdtemp(prefix="bench_hostile_"))
os.environ["FIVESYS_SECRET_FILE"] = str(_TMP / "installation.key")  # before any setting is read

import startup  # noqa: E402

startup.boot()

from appserver import launch, rss_mb, stop, tree_rss_mb, wait_healthy  # noqa: E402
from bench_ingest import _database  # noqa: E402
from hostile_files import bombs, hostile_files, inert_files  # noqa: E402
from hostile_kinds import Actors, control_rows, foreign_rows, sample_row  # noqa: E402

SCOPE_KEYS = ("ingest.err_ref_unavailable", "ingest.err_out_of_scope")


class Monitor:
    """Polls /_stcore/health every `every` s and samples the server's RSS; restarts a server
    that died (counted)."""

    def __init__(self, database_url: str, log: Path, every: float = 0.5) -> None:
        self.database_url, self.log, self.every = database_url, log, every
        self.polls = self.failures = self.restarts = 0
        self.peak_rss_mb = 0.0
        self._stop = threading.Event()
        self.proc, self.url = launch(database_url, log, app="serve.py", extra_env={
            "FIVESYS_SECRET_FILE": os.environ["FIVESYS_SECRET_FILE"]})
        wait_healthy(self.proc, self.url, log)
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        from appserver import health_ok

        while not self._stop.wait(self.every):
            self.polls += 1
            if not health_ok(self.url, timeout=2):
                self.failures += 1
                if self.proc.poll() is not None:
                    self.restarts += 1
                    self.proc, self.url = launch(self.database_url, self.log, app="serve.py",
                                                 extra_env={"FIVESYS_SECRET_FILE":
                                                            os.environ["FIVESYS_SECRET_FILE"]})
                    wait_healthy(self.proc, self.url, self.log)
                continue
            self.peak_rss_mb = max(self.peak_rss_mb, tree_rss_mb(self.proc.pid))

    def figures(self) -> dict:
        return {"health_polls": self.polls, "health_failures": self.failures,
                "server_restarts": self.restarts, "server_alive": self.proc.poll() is None,
                "server_peak_rss_mb": round(self.peak_rss_mb, 1),
                "server_vmhwm_mb": round(rss_mb(self.proc.pid)[1], 1)
                if self.proc.poll() is None else None}

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        stop(self.proc)


def _reset_peak() -> None:
    try:  # VmHWM back to the current RSS, so the peak below is the refusing one
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def _count(engine, table: str) -> int:  # noqa: ANN001
    from sqlalchemy import text

    with engine.connect() as conn:
        return conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one()


def part_files(engine, actors: Actors, limits: tuple[float, int]) -> dict:  # noqa: ANN001
    """Every class for every kind, as the kind's own user; then the kinds a county data
    officer may not upload, as them; then scope classes and controls."""
    from data_checks.kinds import all_kinds
    from services.platform import ingest

    max_mb, max_rows = limits
    bomb = bombs()
    tried = refused = inert = written = wrote_rows = 0
    not_refused, by_class = [], {}
    _reset_peak()

    def one(kind, cls: str, name: str, content: bytes, sheet, user: str, *,  # noqa: ANN001
            commit: bool = False, rows: int | None = None, foreign_row: int | None = None) -> str:
        """Prepare (and for a control, commit) one file; counts it under its class with the
        first error's key, so a file refused for another reason than its own shows."""
        nonlocal tried, refused, inert, written, wrote_rows
        from models.db import session_scope

        who = actors.get(user)
        before = _count(engine, kind.table)
        tried += 1
        result = None
        try:
            with session_scope(engine) as s:
                result = ingest.prepare(kind.key, name, content, session=s, actor=who.username,
                                        scope=who.scope, roles=who.roles, sheet=sheet)
            status = result.status
            if commit and status == "ready":
                status = ingest.commit(engine, result, actor=who.username, scope=who.scope).status
        except ingest.IngestError as exc:
            status, key = "refused", exc.key
        else:
            key = result.errors["key"][0] if result.errors.height else status
        after = _count(engine, kind.table)
        entry = by_class.setdefault(cls, {"tried": 0, "refused": 0, "keys": {}})
        entry["tried"] += 1
        entry["keys"][key] = entry["keys"].get(key, 0) + 1
        if rows is not None:  # a table, checked and not confirmed: written by no one
            inert += 1
        elif status in ("rejected", "refused"):
            refused += 1
            entry["refused"] += 1
        elif commit:
            written += 1
            wrote_rows += after - before
        else:
            inert += 1
        if not commit and after != before:
            not_refused.append(f"{kind.key}/{cls}: WROTE {after - before} rows")
        if rows is not None and result is not None and (
                result.rows_total != rows or result.errors.filter(
                    result.errors["row"].is_null()).height):
            not_refused.append(f"{kind.key}/{cls}: read {result.rows_total} rows, not {rows}, "
                               f"or refused whole ({key})")
        if foreign_row is not None and result is not None and not result.errors.filter(
                (result.errors["row"] == foreign_row)
                & result.errors["key"].is_in(list(SCOPE_KEYS))).height:
            not_refused.append(f"{kind.key}/{cls}: row {foreign_row} not refused as out of "
                               f"scope ({key})")
        return status

    for kind in all_kinds():
        user = actors.user_for(kind)
        header, row, text_col = sample_row(kind)
        for cls, name, content, sheet in hostile_files(header, row, bomb, max_mb=max_mb,
                                                       max_rows=max_rows):
            status = one(kind, cls, name, content, sheet, user)
            if status != "rejected":
                not_refused.append(f"{kind.key}/{cls}: {status}")
        for cls, name, content, sheet in inert_files(header, row, text_col):
            one(kind, cls, name, content, sheet, user, rows=5 if cls.startswith("dde") else 2)
        if user != "county_data":  # the kinds a county data officer may not upload
            one(kind, "kind_not_for_county_data", "x.csv",
                "\n".join([",".join(header), ",".join(row)]).encode(), None, "county_data")
        else:
            for cls, rows in foreign_rows(engine, kind, actors.get("county_data")).items():
                from hostile_files import csv_bytes

                status = one(kind, cls, f"{cls}.csv", csv_bytes([header, *rows]), None, user,
                             foreign_row=len(rows) + 1)
                if status != "rejected":
                    not_refused.append(f"{kind.key}/{cls}: {status}")
    for kind, rows in control_rows(engine, actors.get("county_data")):
        from hostile_files import csv_bytes

        header = [c.zh for c in kind.columns]
        status = one(kind, "valid_control", "control.csv", csv_bytes([header, *rows]), None,
                     "county_data", commit=True)
        if status != "committed":
            not_refused.append(f"{kind.key}/valid_control: {status}")
    return {"files_tried": tried, "refused": refused, "checked_not_confirmed": inert,
            "written_controls": written, "rows_written_by_controls": wrote_rows,
            "unexpected": not_refused, "refusing_process_peak_rss_mb": round(rss_mb(os.getpid())[1], 1),
            "classes": len(by_class),
            "by_class": by_class}


def part_browser(engine, monitor: Monitor, actors: Actors, limits: tuple[float, int],  # noqa: ANN001
                 count: int) -> dict:
    """The hostile classes for the power catalog, through the real upload page."""
    from hostile_browser import part_browser as upload_all

    from data_checks.kinds import get_kind

    kind = get_kind("powers")
    header, row, _ = sample_row(kind)
    files = [(cls, name, content) for cls, name, content, sheet in hostile_files(
        header, row, bombs(), max_mb=limits[0], max_rows=limits[1]) if sheet is None]
    for cls, rows in foreign_rows(engine, kind, actors.get("county_data")).items():
        from hostile_files import csv_bytes

        files.append((cls, f"{cls}.csv", csv_bytes([header, *rows])))
    return upload_all(engine, monitor, files[:count], _TMP)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database-url")
    ap.add_argument("--kill-runs", type=int, default=12)
    ap.add_argument("--kill-rows", type=int, default=20_000)
    ap.add_argument("--scoped-calls", type=int, default=2_000)
    ap.add_argument("--browser-files", type=int, default=40,
                    help="hostile files also uploaded through the real page (headless Chromium)")
    ap.add_argument("--parts", default="files,browser,kill,payloads,logins,audit,scoped")
    args = ap.parse_args(argv)
    parts = set(args.parts.split(","))
    from models.db import make_engine
    from services.platform.demo import seed_demo
    from services.platform.schema import upgrade_to_head
    from services.platform.settings import get_settings

    url, drop = _database(args.database_url, "bench_hostile")
    engine = make_engine(url)
    report: dict = {"database": engine.dialect.name}
    started = time.perf_counter()
    monitor = None
    try:
        upgrade_to_head(engine)
        seed_demo(engine, scale="small")
        report["seed_s"] = round(time.perf_counter() - started, 1)
        monitor = Monitor(url, _TMP / "server.log")
        actors = Actors(engine)
        settings = get_settings()
        steps = {
            "files": lambda: part_files(engine, actors, (settings.upload_max_mb,
                                                         settings.upload_max_rows)),
            "browser": lambda: part_browser(engine, monitor, actors, (
                settings.upload_max_mb, settings.upload_max_rows), args.browser_files),
            "kill": lambda: __import__("hostile_kill").part_kill(
                engine, url, runs=args.kill_runs, rows=args.kill_rows, tmp=_TMP),
            "payloads": lambda: __import__("hostile_inject").part_payloads(engine, actors),
            "logins": lambda: __import__("hostile_auth").part_logins(engine, args.database_url, _TMP),
            "audit": lambda: __import__("hostile_audit").part_audit(engine, url),
            "scoped": lambda: __import__("hostile_scoped").part_scoped(engine, args.scoped_calls),
        }
        for name, step in steps.items():
            if name in parts:
                t0 = time.perf_counter()
                report[name] = step()
                report[name]["seconds"] = round(time.perf_counter() - t0, 1)
                print(f"{name}: {report[name]['seconds']} s", file=sys.stderr, flush=True)
        report["server"] = monitor.figures()
    finally:
        if monitor is not None:
            monitor.close()
        engine.dispose()
        drop()
        shutil.rmtree(_TMP, ignore_errors=True)  # the generated files and the server's log
    report["total_s"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

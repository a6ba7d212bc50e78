#!/usr/bin/env python
"""Benchmark the upload pipeline: N generated user rows (the kind with the most checks and
references) as a GB18030 CSV, through parse / check / references / write; prints JSON.

    python bench/bench_ingest.py --rows 100000
    python bench/bench_ingest.py --rows 100000 --database-url postgresql://postgres@127.0.0.1:5432/test

A fresh database each run: a temporary SQLite file, or (PostgreSQL) a schema of its own that
is dropped afterwards. The organisation of the small demo province is loaded first. The
after-commit hooks (alert sync) are left out: they are not part of the import."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()


def generate_csv(rows: int, departments: list[tuple[str, str]]) -> bytes:
    import polars as pl

    roles = ["领导", "数据专员", "考评员", "纪检监察", "数据专员,领导"]
    lookup = pl.DataFrame({"pick": list(range(len(departments))),
                           "部门代码": [d for d, _ in departments],
                           "区划代码": [r for _, r in departments]})
    role_frame = pl.DataFrame({"role_pick": list(range(len(roles))), "角色": roles})
    frame = (
        pl.DataFrame({"i": pl.int_range(0, rows, eager=True)})
        .with_columns((pl.col("i") % len(departments)).alias("pick"),
                      (pl.col("i") % len(roles)).alias("role_pick"))
        .join(lookup, on="pick", how="left", maintain_order="left")
        .join(role_frame, on="role_pick", how="left", maintain_order="left")
        .select(
            pl.format("bench_{}", pl.col("i")).alias("用户名"),
            pl.format("测试用户{}", pl.col("i")).alias("姓名"),
            "角色", "区划代码", "部门代码",
            pl.when(pl.col("i") % 10 == 0).then(pl.lit("否")).otherwise(pl.lit("是")).alias("启用"),
        )
    )
    return frame.write_csv().encode("gb18030")


def _database(url: str | None, name: str = "bench_ingest") -> tuple[str, callable]:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from models.db import make_engine

    if not url:
        path = Path(tempfile.mkdtemp()) / "bench.db"
        return f"sqlite:///{path}", lambda: path.unlink(missing_ok=True)
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    schema = f"{name}_{os.getpid()}"
    admin = make_engine(parsed.render_as_string(hide_password=False))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()

    scoped = parsed.update_query_dict({"options": f"-csearch_path={schema}"})
    return scoped.render_as_string(hide_password=False), drop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args(argv)

    url, cleanup = _database(args.database_url)
    os.environ["FIVESYS_UPLOAD_MAX_ROWS"] = str(max(args.rows, 500_000))
    try:
        from sqlalchemy import func, select
        from sqlmodel import Session, SQLModel

        import models  # noqa: F401
        from models.db import make_engine, session_scope
        from models.org import Department
        from models.users import User
        from services.platform import ingest
        from services.platform.schema import upgrade_to_head
        from services.platform.scope import ALL
        from services.platform.seed import seed_org

        engine = make_engine(url)
        upgrade_to_head(engine)
        SQLModel.metadata.create_all(engine)
        with session_scope(engine) as s:
            seed_org(s, scale="small")
        with Session(engine) as s:
            depts = s.execute(select(Department.code, Department.region_code)).all()
        content = generate_csv(args.rows, [tuple(d) for d in depts])
        ingest.IMPORT_HOOKS.clear()

        t0 = time.perf_counter()
        from data_checks.suites import preload
        preload()
        gx_import = time.perf_counter() - t0

        t0 = time.perf_counter()
        with session_scope(engine) as s:
            prepared = ingest.prepare("users", "bench.csv", content, session=s, actor="bench",
                                      scope=ALL)
        prepare_s = time.perf_counter() - t0
        if prepared.status != "ready":
            print(ingest.error_report(prepared.errors, "users", "en", limit=10), file=sys.stderr)
            return 1
        t0 = time.perf_counter()
        done = ingest.commit(engine, prepared, actor="bench", scope=ALL)
        commit_s = time.perf_counter() - t0
        with Session(engine) as s:
            stored = s.execute(select(func.count()).select_from(User)
                               .where(User.username.startswith("bench_"))).scalar_one()
        t0 = time.perf_counter()
        with session_scope(engine) as s:
            again = ingest.prepare("users", "bench.csv", content, session=s, actor="bench",
                                   scope=ALL)
        same_file_s = time.perf_counter() - t0
        t = prepared.timings
        print(json.dumps({
            "backend": engine.dialect.name, "rows": args.rows, "file_mb": round(len(content) / 1048576, 2),
            "encoding": prepared.encoding, "status": done.status, "rows_stored": stored,
            "seconds": {
                "gx_import_once": round(gx_import, 2),
                "parse": round(t["parse"], 2), "check": round(t["check"], 2),
                "references_and_diff": round(t["references"], 2),
                "write": round(commit_s, 2),
                "pipeline_total": round(prepare_s + commit_s, 2),
                "same_file_again": round(same_file_s, 2),
            },
            "same_file_again_status": again.status,
        }, ensure_ascii=False))
        engine.dispose()
    finally:
        cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())

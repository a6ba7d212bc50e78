"""The rule loaders' full read against a plain scan of the same rows (issue 12's anchor).

The full read is what a full sync reads: every loader of every rule, in one read snapshot
(services.lights.inputs.inputs_as_read; on SQLite through reader processes with ADBC's SQLite
driver), into the frames the rules get. The statements it runs
are recorded and then run again, the same SQL text, by a plain reader that only hands the rows
over as Arrow columns: DuckDB over the SQLite file (through the `duckdb-extension-sqlite-scanner`
package, offline), ADBC on PostgreSQL. The ratio of the two is the figure: what the project's
reading costs on top of the database's own."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy.engine import Engine

from metrics.lights.registry import RULES
from services.lights.inputs import inputs_as_read
from services.platform import frames
from services.platform.sqlite_reader import SqliteReader


def _recorded_full_read(engine: Engine) -> tuple[float, list[str]]:
    seen: list[str] = []
    cursor, arrow, reader_arrow = frames.via_cursor, frames.fetch_arrow, SqliteReader.arrow

    def via_cursor(raw, sql, schema):  # noqa: ANN001, ANN202
        seen.append(sql)
        return cursor(raw, sql, schema)

    def via_arrow(conn, sql):  # noqa: ANN001, ANN202
        seen.append(sql)
        return arrow(conn, sql)

    def via_reader(reader, sql):  # noqa: ANN001, ANN202
        seen.append(sql)
        return reader_arrow(reader, sql)

    frames.via_cursor, frames.fetch_arrow, SqliteReader.arrow = via_cursor, via_arrow, via_reader
    try:
        t0 = time.perf_counter()
        # read as a full sync reads: every frame dropped once in (the sync drops each after
        # its last rule), so the figure is the reading, not holding every input at once
        with inputs_as_read(engine, [({n for r in RULES.values() for n in r.inputs}, None)],
                            bulk=True) as arriving:
            for _ in arriving:
                pass
        return time.perf_counter() - t0, seen
    finally:
        frames.via_cursor, frames.fetch_arrow, SqliteReader.arrow = cursor, arrow, reader_arrow


def _duckdb_over_sqlite(path: str, statements: list[str]) -> tuple[float, int, list[str]]:
    import duckdb
    import duckdb_extension_sqlite_scanner as ext

    library = next(Path(ext.__file__).parent.glob("extensions/*/sqlite_scanner.duckdb_extension"))
    con = duckdb.connect()
    con.execute(f"LOAD '{library}'")
    con.execute(f"ATTACH '{path}' AS province (TYPE sqlite, READ_ONLY)")
    con.execute("USE province")
    rows, failed = 0, []
    t0 = time.perf_counter()
    for sql in statements:
        try:
            rows += con.execute(sql).fetch_arrow_table().num_rows
        except duckdb.Error as exc:  # SQLite-only SQL: left out of the plain scan, and listed
            failed.append(f"{type(exc).__name__}: {str(exc).splitlines()[0][:120]}")
    seconds = time.perf_counter() - t0
    con.close()
    return seconds, rows, failed


def _adbc_over_postgres(engine: Engine, statements: list[str]) -> tuple[float, int, list[str]]:
    import adbc_driver_postgresql.dbapi as adbc_pg

    conn = adbc_pg.connect(engine.url.set(drivername="postgresql").render_as_string(hide_password=False),
                           autocommit=True)
    rows = 0
    t0 = time.perf_counter()
    with conn.cursor() as cur:
        cur.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        for sql in statements:
            cur.execute(sql)
            rows += cur.fetch_arrow_table().num_rows
        cur.execute("ROLLBACK")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds, rows, []


def full_read_against_plain_scan(engine: Engine) -> dict:
    """{full_read_s, plain_scan_s, ratio, statements, plain_rows, plain_failed}."""
    full_s, statements = _recorded_full_read(engine)
    if engine.dialect.name == "sqlite":
        plain_s, rows, failed = _duckdb_over_sqlite(engine.url.database, statements)
        reader = "duckdb sqlite_scanner"
    else:
        plain_s, rows, failed = _adbc_over_postgres(engine, statements)
        reader = "adbc postgresql"
    return {"full_read_s": round(full_s, 2), "plain_scan_s": round(plain_s, 2),
            "plain_reader": reader, "ratio": round(full_s / plain_s, 2) if plain_s else None,
            "statements": len(statements), "plain_rows": rows, "plain_failed": failed}

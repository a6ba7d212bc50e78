"""Fast bulk writes for the demo seed: COPY on PostgreSQL, the driver's executemany on SQLite.

SQLAlchemy's executemany spends ~30 µs per row on parameter processing; for the hundreds of
thousands of flow steps the seed writes that dominates. Values go through the column type's
bind processor only for types that need one (dates and timestamps)."""

from __future__ import annotations

from sqlalchemy import Table
from sqlalchemy.engine import Connection


def _processors(conn: Connection, table: Table, columns: list[str]) -> list:
    # Only types that convert values have a bind processor (dates, timestamps — including
    # SQLModel's UTCDateTime decorator, whose python_type is not declared); without it
    # sqlite3 would store aware timestamps as "…+00:00" text, unlike the ORM's format.
    dialect = conn.dialect
    return [table.c[name].type.dialect_impl(dialect).bind_processor(dialect) for name in columns]


def bulk_insert(conn: Connection, table: Table, rows: list, columns: list[str] | None = None,
                ) -> None:
    """Insert `rows` into `table` in one round of the driver: dicts with the same keys, or
    tuples in the order of `columns`."""
    if not rows:
        return
    if columns is None:
        columns = list(rows[0])
        rows = [tuple(r[c] for c in columns) for r in rows]
    procs = _processors(conn, table, columns)
    if any(procs):
        tuples = [tuple(p(v) if p and v is not None else v
                        for v, p in zip(r, procs, strict=True)) for r in rows]
    else:
        tuples = rows
    quoted = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(
                f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for t in tuples:
                copy.write_row(t)
    else:
        marks = ", ".join("?" for _ in columns)
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', tuples)

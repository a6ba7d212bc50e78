"""Core selects into polars frames, fast enough for a province (no ORM objects).

Two ways in, chosen by what the caller holds:
- a Connection (inside an open transaction, e.g. the demo seed that reads what it has just
  written), or an Engine outside a snapshot: the connection's own driver — COPY … TO STDOUT
  as CSV on PostgreSQL, a plain cursor on SQLite;
- an Engine inside `services.platform.snapshot.read_snapshot(engine)` (the alert sync's
  loaders): one read snapshot for every frame, so a sync sees one state of the data; through
  ADBC on PostgreSQL, which hands over Arrow columns (psycopg hands COPY over one Python
  message per row: 46 s for the province's 5.7M case steps), and on SQLite for a bulk read.
Timestamp columns are read as UTC_TIMESTAMP and turned into Asia/Shanghai dates in polars
(`shanghai_date`)."""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

import polars as pl
from sqlalchemy import BigInteger, Float, case, cast, func
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.sql import Select

Bind = Engine | Connection
UTC_TIMESTAMP = pl.Datetime("us", "UTC")


def shanghai_date(name: str, alias: str | None = None) -> pl.Expr:
    """The Asia/Shanghai calendar date of a UTC_TIMESTAMP column, in polars (SQLite's date
    functions parse text row by row: 15 s for the province's steps). China has kept UTC+8
    without summer time since 1991, so a fixed offset is exact and 15× faster than a time
    zone conversion."""
    return (pl.col(name) + pl.duration(hours=8)).dt.date().alias(alias or name)


def _parse_utc(values: pl.Series) -> pl.Series:
    """Timestamp text into UTC_TIMESTAMP: SQLite's storage form (UTC, fixed width, no offset)
    by integer slices — its date part has few distinct values, parsed once each — else
    (PostgreSQL's COPY writes the session's offset) the general parser."""
    col = pl.col(values.name)
    if values.str.len_bytes().is_in([19, 26]).all():
        def part(start: int, length: int) -> pl.Expr:
            return col.str.slice(start, length).cast(pl.Int64, strict=False).fill_null(0)

        expr = (col.str.slice(0, 10).str.to_date("%Y-%m-%d").cast(pl.Datetime("us"))
                + pl.duration(hours=part(11, 2), minutes=part(14, 2), seconds=part(17, 2),
                              microseconds=part(20, 6))).dt.replace_time_zone("UTC")
    else:
        expr = col.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%#z", time_unit="us").dt.convert_time_zone("UTC")
    return values.to_frame().select(expr).to_series()


def cast_to_schema(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Whatever the driver gave (text, day numbers, 0/1) into `schema`'s types."""
    out = []
    for name, dtype in schema.items():
        col, got = pl.col(name), frame.schema[name]
        if got == pl.String and dtype == pl.Date():
            col = pl.coalesce(col.str.to_date("%Y-%m-%d", strict=False),
                              col.cast(pl.Int32, strict=False).cast(pl.Date))
        elif got.is_numeric() and dtype == pl.Date():
            col = col.cast(pl.Int32).cast(pl.Date)
        elif got == pl.String and dtype == pl.Boolean():
            col = col.is_in(["t", "true", "1"])
        elif got == pl.String and dtype == UTC_TIMESTAMP:
            col = pl.lit(_parse_utc(frame[name]))
        elif isinstance(got, pl.Datetime) and dtype == UTC_TIMESTAMP:
            col = col.dt.convert_time_zone("UTC") if got.time_zone else col.dt.replace_time_zone("UTC")
        out.append(col.cast(dtype).alias(name))
    return frame.select(out)


def _sql(stmt: Select, dialect) -> str:  # noqa: ANN001
    return str(stmt.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def _via_copy(raw, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:  # noqa: ANN001
    names = list(schema)
    buf = io.BytesIO()
    with raw.cursor() as cur, cur.copy(f"COPY ({sql}) TO STDOUT (FORMAT csv)") as copy:
        for block in copy:
            buf.write(block)
    if buf.tell() == 0:
        return pl.DataFrame(schema=schema)
    buf.seek(0)
    frame = pl.read_csv(buf, has_header=False, new_columns=names,
                        schema_overrides={n: pl.String for n in names}, infer_schema=False)
    frame = frame.with_columns(pl.col(n).replace("", None) for n in names
                               if schema[n] not in (pl.String(), pl.Binary()))
    # bytea comes over as PostgreSQL's hex text (\x0a1b…)
    return cast_to_schema(frame.with_columns(pl.col(n).str.strip_prefix("\\x").str.decode("hex")
                                             for n in names if schema[n] == pl.Binary()), schema)


# how SQLite stores what the schema asks for (dates and timestamps as text, booleans as 0/1);
# a value of another type makes the strict build fail and fall back to inference
_SQLITE_VALUE: dict[pl.DataType, pl.DataType] = {
    pl.Date(): pl.String(), UTC_TIMESTAMP: pl.String(), pl.Boolean(): pl.Int64(),
    pl.Int32(): pl.Int64()}


CURSOR_CHUNK = 500_000  # rows turned into a frame at a time: a province's 5.8M steps as
# Python tuples all at once were a gigabyte of peak memory


def via_cursor(raw, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:  # noqa: ANN001
    cur = raw.cursor()
    chunks = []
    try:
        cur.execute(sql)
        while rows := cur.fetchmany(CURSOR_CHUNK):
            chunks.append(_rows_frame(rows, schema))
            del rows
    finally:
        cur.close()
    if not chunks:
        return pl.DataFrame(schema=schema)
    return chunks[0] if len(chunks) == 1 else pl.concat(chunks, rechunk=True)


def _rows_frame(rows: list, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    try:  # the types SQLite hands over (2.5× faster than inferring them from every row)
        frame = pl.DataFrame(rows, schema={n: _SQLITE_VALUE.get(t, t) for n, t in schema.items()},
                             orient="row")
    except (pl.exceptions.PolarsError, TypeError, OverflowError):
        frame = pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)
    return cast_to_schema(frame, schema)


def fetch_arrow(adbc, sql: str):  # noqa: ANN001, ANN202
    with adbc.cursor() as cur:
        cur.execute(sql)
        return cur.fetch_arrow_table()


def arrow_frame(table, schema: dict[str, pl.DataType]) -> pl.DataFrame:  # noqa: ANN001
    if table.num_rows == 0:
        return pl.DataFrame(schema=schema)
    frame = pl.from_arrow(_storage(table.rename_columns(list(schema))))
    for name, dtype in schema.items():
        # SQLite keeps any value in any column: a text among numbers comes over as text in
        # the driver's own float format, which would pass for a number with 7 digits
        if frame.schema[name] == pl.String and (dtype.is_numeric() or isinstance(dtype, pl.Decimal)):
            raise ValueError(f"column {name}: a value that is not a number ({_not_a_number(frame, name)})")
    return cast_to_schema(frame, schema)


def _not_a_number(frame: pl.DataFrame, name: str) -> str:
    """The first value of column `name` that does not read as a number."""
    bad = frame.filter(pl.col(name).cast(pl.Float64, strict=False).is_null() & pl.col(name).is_not_null())
    return repr(bad[name][0]) if bad.height else "mixed types"


def _storage(table):  # noqa: ANN001, ANN202
    """ADBC hands NUMERIC over as an opaque extension type holding its exact text: keep the
    text (cast_to_schema turns it into pl.Decimal)."""
    import pyarrow as pa

    for i, col in enumerate(table.columns):
        if isinstance(col.type, pa.BaseExtensionType):
            table = table.set_column(i, table.field(i).name,
                                     pa.chunked_array([c.storage for c in col.chunks],
                                                      type=col.type.storage_type))
    return table


@dataclass
class Snapshot:
    engine: Engine
    read: Callable[[str, dict[str, pl.DataType]], pl.DataFrame]
    # frames already read, by statement: the snapshot does not change, so loaders that need
    # the same rows (suspensions, the cases' powers) read them once
    frames: dict[tuple, Future] = field(default_factory=dict)
    reader: bool = False  # SQLite through reader processes (read_snapshot's `bulk`)
    guard: threading.Lock = field(default_factory=threading.Lock)


_SNAPSHOT: ContextVar[Snapshot | None] = ContextVar("read_snapshot", default=None)
# a frame this large is not kept for another loader: the loaders share small reads (the
# suspensions, the cases' powers), and a large one kept (the province's 5.8M raw steps,
# 0.2 GB) stayed in memory until the last input of a full sync was read
SHARED_BELOW_BYTES = 64 * 2**20


@contextmanager
def reading_from(snapshot: Snapshot) -> Iterator[None]:
    """`read_frame(snapshot.engine, …)` reads from `snapshot` within this block (services.
    platform.snapshot.read_snapshot opens one)."""
    token = _SNAPSHOT.set(snapshot)
    try:
        yield
    finally:
        _SNAPSHOT.reset(token)


def _decimals_as_integers(stmt: Select, schema: dict[str, pl.DataType]) -> tuple[Select, dict]:
    """The select with each exact-decimal column as a whole number of its smallest unit (fen
    for Numeric(14, 2) yuan), and the schema it is read with. ADBC hands PostgreSQL's NUMERIC
    over as text it builds value by value: 0.25 s of a province's 337,000 payments, against
    none for a BIGINT. `_integers_as_decimals` turns them back, exactly."""
    def whole(t: pl.DataType) -> bool:
        return isinstance(t, pl.Decimal) and t.precision is not None and t.precision <= 18

    if not any(whole(t) for t in schema.values()):
        return stmt, schema
    units = [cast(col * 10 ** t.scale, BigInteger).label(f"_units_{i}") if whole(t) else col
             for i, (col, t) in enumerate(zip(stmt.selected_columns, schema.values(), strict=True))]
    return (stmt.with_only_columns(*units, maintain_column_froms=True),
            {n: pl.Int64() if whole(t) else t for n, t in schema.items()})


def _decimals_as_reals(stmt: Select, schema: dict[str, pl.DataType]) -> Select:
    """SQLite through the reader processes: each decimal column as a REAL. SQLite keeps a whole
    amount as an INTEGER and others as REALs, and the reader's driver fixes a column's type on
    its first batch, then stops at a REAL after INTEGERs (a whole read again). A value of any
    other type is left as it is, so the read stops on it (arrow_frame)."""
    if not any(isinstance(t, pl.Decimal) for t in schema.values()):
        return stmt
    reals = [case((func.typeof(col).in_(("integer", "real")), cast(col, Float)), else_=col)
             .label(f"_real_{i}") if isinstance(t, pl.Decimal) else col
             for i, (col, t) in enumerate(zip(stmt.selected_columns, schema.values(), strict=True))]
    return stmt.with_only_columns(*reals, maintain_column_froms=True)


def _integers_as_decimals(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return frame.with_columns(
        (pl.col(n).cast(pl.Decimal(18, 0)) * pl.lit(Decimal(1).scaleb(-t.scale))).cast(t)
        for n, t in schema.items() if isinstance(t, pl.Decimal) and frame.schema[n] != t)


def read_frame(bind: Bind, stmt: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Run a Core select into a frame with `schema` (columns in the order of the select)."""
    snap = _SNAPSHOT.get()
    if snap is not None and bind is snap.engine:
        read_as = schema
        if bind.dialect.name == "postgresql":
            stmt, read_as = _decimals_as_integers(stmt, schema)
        elif snap.reader:
            stmt = _decimals_as_reals(stmt, schema)
        key = (_sql(stmt, bind.dialect), tuple(schema.items()))
        with snap.guard:  # loaders may run in threads (services.lights.inputs): one read a key
            job, mine = snap.frames.get(key), key not in snap.frames
            if mine:
                job = snap.frames[key] = Future()
        if mine:
            try:
                frame = _integers_as_decimals(snap.read(key[0], read_as), schema)
            except BaseException as exc:
                job.set_exception(exc)
                raise
            job.set_result(frame)
            if frame.estimated_size() >= SHARED_BELOW_BYTES:
                with snap.guard:  # those waiting have it; no one else will ask (see the constant)
                    del snap.frames[key]
            return frame
        return job.result()
    conn_ctx = bind.connect() if isinstance(bind, Engine) else None
    conn = conn_ctx if conn_ctx is not None else bind
    try:
        sql = _sql(stmt, conn.dialect)
        raw = conn.connection.driver_connection
        if conn.dialect.name == "postgresql":
            return _via_copy(raw, sql, schema)
        return via_cursor(raw, sql, schema)
    finally:
        if conn_ctx is not None:
            conn_ctx.close()

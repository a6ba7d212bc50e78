"""S5 KPIs aggregated in the database: the figures of metrics.feedback.kpis.kpi_table (same
definitions, same columns and types), built as COUNT(*) FILTER per group, so a province's million
tickets never travel to Python (reading them took a minute on SQLite).

The definitions stay in metrics/feedback/kpis.py (the pure reference; the tests compare both on
random tickets). China dates: the timestamps are UTC (SQLite: text without offset; PostgreSQL:
timestamptz); `china_month` (services.platform.sql_dates) and `on_or_before` compile per
dialect. "China date of ts ≤ d" is written as `ts < d 16:00 UTC` (China has no summer time),
which needs no date parsing per row."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl
from sqlalchemy import Boolean, Date, and_, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement

from metrics.feedback.kpis import KPIS, SATISFIED
from models.feedback import Ticket
from services.feedback.read import Bind, tickets_stmt
from services.platform.frames import read_frame
from services.platform.scope import Scope
from services.platform.sql_dates import china_month

KEYS: dict[str, pl.DataType] = {"department_id": pl.Int64(), "region_code": pl.String(),
                                "category_code": pl.String(), "month": pl.String()}


class on_or_before(FunctionElement):  # noqa: N801
    """China date of timestamp `ts` ≤ date column `day`: ts before 16:00 UTC of `day` (00:00
    in China the day after). SQLite compares its fixed-width UTC text; 'd 16:00:00' sorts
    before 'd 16:00:00.000000', so 16:00:00 itself already counts as the next day."""

    type = Boolean()
    inherit_cache = True


def _two(element, compiler, **kw) -> tuple[str, str]:  # noqa: ANN001
    ts, day = element.clauses.clauses
    return compiler.process(ts, **kw), compiler.process(day, **kw)


@compiles(on_or_before, "sqlite")
def _before_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001
    ts, day = _two(element, compiler, **kw)
    return f"({ts} < {day} || ' 16:00:00')"


@compiles(on_or_before, "postgresql")
def _before_pg(element, compiler, **kw) -> str:  # noqa: ANN001
    ts, day = _two(element, compiler, **kw)
    return f"({ts} < (({day} + TIME '16:00') AT TIME ZONE 'UTC'))"


def _key(name: str) -> ColumnElement:
    return china_month(Ticket.received_at) if name == "month" else getattr(Ticket, name)


def _parts(today: date) -> dict[str, ColumnElement]:
    """metrics.feedback.kpis._parts in SQL, without the "not merged" condition: the query
    groups merged tickets apart (one condition less per count; the sort holds fewer columns).
    A NULL condition is not counted, as fill_null(False)."""
    t, d = Ticket, literal(today, Date())
    return {
        "response_num": on_or_before(t.signed_at, t.sign_due),
        "response_den": and_(t.sign_due.is_not(None), or_(t.signed_at.is_not(None), t.sign_due < d)),
        "on_time_num": on_or_before(t.replied_at, t.reply_due),
        "on_time_den": and_(t.reply_due.is_not(None), or_(t.replied_at.is_not(None), t.reply_due < d)),
        "visit_num": and_(t.replied_at.is_not(None), t.visited_at.is_not(None)),
        "visit_den": t.replied_at.is_not(None),
        "resolve_num": and_(t.visited_at.is_not(None), t.resolved.is_(True)),
        "resolve_den": and_(t.visited_at.is_not(None), t.resolved.is_not(None)),
        "satisfaction_num": t.satisfaction.in_(SATISFIED),
        "satisfaction_den": t.satisfaction.is_not(None),
        "reopen_num": and_(t.sign_due.is_not(None), t.reopen_count >= 1),
        "reopen_den": t.sign_due.is_not(None),
        "return_num": t.return_count >= 1,
        "return_den": or_(t.sign_due.is_not(None), t.return_count >= 1),
    }


COUNTS = ("received", *(f"{k}_{p}" for k in KPIS for p in ("num", "den")))


def kpi_parts(bind: Bind, scope: Scope | None, *, by: Sequence[str], today: date,
              published: bool | None = None, **filters) -> pl.DataFrame:  # noqa: ANN003
    """Numerators and denominators (no rates) per group of `by` (keys of KEYS) over the
    tickets `tickets_stmt(scope, **filters)` selects; `published` keeps the public ones.
    Group as finely as every table wanted needs, once, and `regroup` (one scan of the table)."""
    where = tickets_stmt(scope, **filters).whereclause
    merged = (Ticket.status == "merged").label("merged")
    keys = [_key(k).label(k) for k in by]
    aggs = [func.count().label("tickets"), func.count(Ticket.repeat_of_id).label("repeats")]
    aggs += [func.count().filter(cond).label(name) for name, cond in _parts(today).items()]
    stmt = select(*keys, merged, *aggs).select_from(Ticket).group_by(*keys, merged)
    if where is not None:
        stmt = stmt.where(where)
    if published is not None:
        stmt = stmt.where(Ticket.published.is_(published))
    raw = read_frame(bind, stmt, {k: KEYS[k] for k in by} | {"merged": pl.Boolean()}
                     | {c.name: pl.Int64() for c in aggs})
    live = ~pl.col("merged")
    folded = raw.select(
        *by, pl.when(live).then(pl.col("tickets")).otherwise(0).alias("received"),
        *[pl.when(live).then(pl.col(c)).otherwise(0).alias(c) for c in COUNTS[1:-2]],
        pl.col("repeats").alias("repeat_num"), pl.col("tickets").alias("repeat_den"))
    return regroup(folded.select(*by, *COUNTS), by)


def with_rates(parts: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """Rates (Float64, null without a denominator) after the counts, sorted by `by`: the
    frame kpi_table gives."""
    rates = [pl.when(pl.col(f"{k}_den") > 0).then(pl.col(f"{k}_num") / pl.col(f"{k}_den"))
             .otherwise(None).cast(pl.Float64).alias(f"{k}_rate") for k in KPIS]
    out = parts.select(*by, *COUNTS).with_columns(rates)
    return out.sort(list(by)) if by else out


def regroup(parts: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """The counts of `parts` summed over the groups of `by` (counties into cities, months
    into the year); counts add up, rates do not."""
    aggs = [pl.col(c).sum().cast(pl.Int64) for c in COUNTS]
    return parts.group_by(list(by)).agg(aggs) if by else parts.select(aggs)


def kpis_from(parts: pl.DataFrame, by: Sequence[str]) -> pl.DataFrame:
    """kpi_table's frame for `by` from finer parts."""
    return with_rates(regroup(parts, by), by)


def kpi_sql(bind: Bind, scope: Scope | None, *, by: Sequence[str], today: date,
            **filters) -> pl.DataFrame:  # noqa: ANN003
    """kpi_table(ticket_frame(bind, scope, **filters), by, today), computed in the database."""
    return with_rates(kpi_parts(bind, scope, by=by, today=today, **filters), by)

"""The Asia/Shanghai calendar date of a UTC timestamp column, in SQL (to sort or group by the
day a page shows; polars' `shanghai_date` turns read timestamps into the same dates).
SQLite keeps timestamps as UTC text; China has kept UTC+8 without summer time since 1991."""

from __future__ import annotations

from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class china_day(FunctionElement):  # noqa: N801
    type = Date()
    inherit_cache = True


@compiles(china_day, "sqlite")
def _day_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"date({compiler.process(element.clauses, **kw)}, '+8 hours')"


@compiles(china_day, "postgresql")
def _day_pg(element, compiler, **kw) -> str:  # noqa: ANN001
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'Asia/Shanghai') AS DATE)"

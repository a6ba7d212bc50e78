"""The Asia/Shanghai calendar day and month of a UTC timestamp column, in SQL (to sort or group
by the day or month a page shows; polars' `shanghai_date` turns read timestamps into the same
dates). SQLite keeps timestamps as UTC text; China has kept UTC+8 without summer time since
1991."""

from __future__ import annotations

from sqlalchemy import Date, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


class china_day(FunctionElement):  # noqa: N801
    """The China date (DATE)."""

    type = Date()
    inherit_cache = True
    sqlite = "date({}, '+8 hours')"
    postgresql = "CAST(({} AT TIME ZONE 'Asia/Shanghai') AS DATE)"


class china_month(FunctionElement):  # noqa: N801
    """'YYYY-MM' of the China date."""

    type = String()
    inherit_cache = True
    sqlite = "strftime('%Y-%m', {}, '+8 hours')"
    postgresql = "to_char({} AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')"


def _compile(element, compiler, **kw) -> str:  # noqa: ANN001
    return getattr(element, compiler.dialect.name).format(compiler.process(element.clauses, **kw))


for _function in (china_day, china_month):
    for _dialect in ("sqlite", "postgresql"):
        compiles(_function, _dialect)(_compile)

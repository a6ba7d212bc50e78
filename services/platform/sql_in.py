"""`col IN (SELECT …)` that PostgreSQL answers through the index of `col`.

Given `case_step.case_id IN (SELECT id … UNION SELECT …)`, PostgreSQL 15 estimates the union at
twice its size and the join at ten times, and hashes a sequential scan of the 5.8M steps of a
province for 170,000 of them (1.45 s); written `case_id = ANY(ARRAY(SELECT …))` it runs the
select once and probes the index for each id (0.53 s). SQLite already probes the index for an
IN (SELECT …) and has no arrays, so it keeps the plain form."""

from __future__ import annotations

from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import Select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import NullType


class InSelect(ColumnElement[bool]):
    inherit_cache = False
    type = NullType()  # a Boolean would be written "(… IN …) = 1" on SQLite, past its index

    def __init__(self, column: ColumnElement, select: Select) -> None:
        self.column, self.select = column, select


@compiles(InSelect)
def _in(element: InSelect, compiler, **kw) -> str:  # noqa: ANN001
    return compiler.process(element.column.in_(element.select), **kw)


@compiles(InSelect, "postgresql")
def _any_array(element: InSelect, compiler, **kw) -> str:  # noqa: ANN001
    column = compiler.process(element.column, **kw)
    return f"{column} = ANY(ARRAY({compiler.process(element.select, asfrom=False, **kw)}))"


def in_select(column: ColumnElement, select: Select) -> ColumnElement[bool]:
    return InSelect(column, select)

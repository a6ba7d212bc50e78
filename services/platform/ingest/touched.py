"""Which departments an import touched (issue 12): the lights re-run their department rules
only there. Worked out in the import's own transaction, before its upsert, from the table's
schema alone: the rows' department column (new values, and the stored ones of the rows it
changes, so a row moved between departments marks both), else the department of the parent
row a foreign key points to (a case's steps, a fund's payments, a power's risk points).
None when it cannot be told: the lights then run in full."""

from __future__ import annotations

import polars as pl
from sqlalchemy import Table
from sqlmodel import Session

from services.platform.ingest.references import _select_in


def touched_departments(s: Session, table: Table, todo: pl.DataFrame,
                        natural_key: tuple[str, ...]) -> frozenset[int] | None:
    if todo.height == 0:
        return frozenset()
    if "department_id" in table.c:
        if "department_id" not in todo.columns or len(natural_key) != 1:
            return None
        key = natural_key[0]
        new = set(todo["department_id"].drop_nulls().to_list())
        old = _select_in(s, [table.c.department_id], table.c[key],
                         todo[key].drop_nulls().unique().to_list())
        if todo["department_id"].null_count() or any(d is None for (d,) in old):
            return None  # a subject without a department: a global change
        return frozenset(new | {d for (d,) in old})
    for fk in table.foreign_keys:
        parent = fk.column.table
        if fk.parent.name in todo.columns and "department_id" in parent.c:
            rows = _select_in(s, [parent.c.department_id], fk.column,
                              todo[fk.parent.name].drop_nulls().unique().to_list())
            if any(d is None for (d,) in rows):
                return None
            return frozenset(d for (d,) in rows)
    return None

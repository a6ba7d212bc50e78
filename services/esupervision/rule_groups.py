"""S4's "group" partitions (services.lights.groups): AP-Y6 compares, per power item (category
and name), the median working days of every department that handled cases of it.

For the touched departments T: their items are those of their own powers (every version) and
of the powers of their cases; the items are closed over power codes (every version of a code of
an item brings its own item: AP-Y6 counts a code's versions together); the departments to read
are T, the holders of those items and every department with cases of their powers. The alerts
those items decide are the ones whose subject ("<department id>:<power code>") names a code of
them; each such code's cases lie in the departments read, so its medians and its items' fences
come out as a full sync computes them."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select, tuple_, union
from sqlmodel import Session

from models.esupervision import ApprovalCase
from models.power import Power
from services.lights.groups import GroupScope, Resolver, group_table
from services.lights.inputs import Bind

GROUPS: dict[str, Resolver] = {}
group = group_table(GROUPS)
MAX_ROUNDS = 20  # the closure over codes settles in one or two rounds on real catalogs


def _items_of(session: Session, departments: frozenset[int]) -> set[tuple[str, str]]:
    p, c = Power, ApprovalCase
    dept = sorted(departments)
    own = select(p.category, p.name).where(p.department_id.in_(dept))
    handled = (select(p.category, p.name).join(c, c.power_id == p.id)
               .where(c.department_id.in_(dept)))
    return {(cat, name) for cat, name in session.execute(union(own, handled))}


def _closed(session: Session, items: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """`items` and the items of every version of a code that has a version among them."""
    p = Power
    for _ in range(MAX_ROUNDS):
        if not items:
            return items
        codes = select(p.code).where(tuple_(p.category, p.name).in_(sorted(items)))
        more = {(cat, name) for cat, name in session.execute(
            select(p.category, p.name).where(p.code.in_(codes)).distinct())}
        if more <= items:
            return items
        items |= more
    raise RuntimeError("power items did not close over codes")  # a bug, never the data


@group("power_item")
def power_items(bind: Bind, departments: frozenset[int]) -> GroupScope:
    p, c = Power, ApprovalCase
    with Session(bind) as session:
        items = _closed(session, _items_of(session, departments))
        if not items:
            return GroupScope(frozenset(departments), pl.lit(False))
        of_items = tuple_(p.category, p.name).in_(sorted(items))
        codes, holders = set(), set(departments)
        for code, dept in session.execute(select(p.code, p.department_id).where(of_items).distinct()):
            codes.add(code)
            holders.add(dept)
        handling = session.execute(select(c.department_id).where(
            c.power_id.in_(select(p.id).where(of_items))).distinct()).scalars()
        holders.update(d for d in handling if d is not None)
    code = pl.col("subject_id").str.splitn(":", 2).struct.field("field_1")
    return GroupScope(frozenset(holders), code.is_in(sorted(codes)))

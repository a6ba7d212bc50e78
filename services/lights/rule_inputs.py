"""Rule inputs of the lights centre: 督办 orders, and the clock (today's date in China)."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from core.clock import china_today
from metrics.lights.rules import CLOCK_SCHEMA, ORDER_SCHEMA
from models.lights import SupervisionOrder
from services.lights.inputs import Bind, Departments, Loader, loader_table
from services.platform.frames import UTC_TIMESTAMP, read_frame, shanghai_date

LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)


@loader("supervision_orders", tables=("supervision_order",), by_department=True)
def supervision_orders(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    """The 督办 orders (of `departments`, through the indexed department column)."""
    o = SupervisionOrder
    stmt = select(o.id, o.order_no, o.department_id, o.region_code, o.due_date, o.status,
                  o.answered_at)
    if departments is not None:
        stmt = stmt.where(o.department_id.in_(sorted(departments)))
    raw = ORDER_SCHEMA | {"answered_on": UTC_TIMESTAMP}
    return read_frame(bind, stmt, raw).with_columns(shanghai_date("answered_on"))


@loader("clock", tables=())
def clock(bind: Bind) -> pl.DataFrame:  # noqa: ARG001  (same signature as every loader)
    """Today in Asia/Shanghai: rules that compare dates with "now" read it from here, so they
    stay pure and tests can pass their own clock."""
    return pl.DataFrame({"today": [china_today()]}, schema=CLOCK_SCHEMA)

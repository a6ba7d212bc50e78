"""The analysis page's category mix and most unsettled matters, counted in the database over
the tickets the filters select (services.feedback.read.tickets_stmt): a province's year is a
million tickets, read whole in 12 s on SQLite for two small tables. The final ordering stays
in polars (metrics.feedback.kpis.top_matters), on China dates."""

from __future__ import annotations

import polars as pl
from sqlalchemy import case, func, select

from metrics.feedback.kpis import MATTER_SCHEMA
from models.feedback import Ticket
from services.feedback.read import tickets_stmt
from services.lights.inputs import Bind
from services.platform.frames import UTC_TIMESTAMP, read_frame, shanghai_date
from services.platform.scope import Scope


def category_counts(bind: Bind, scope: Scope, **filters) -> pl.DataFrame:  # noqa: ANN003
    """category_code, tickets: the tickets not merged, by category (metrics category_mix)."""
    sub = tickets_stmt(scope, **filters).subquery()
    stmt = (select(sub.c.category_code, func.count().label("tickets"))
            .where(sub.c.status != "merged").group_by(sub.c.category_code))
    return read_frame(bind, stmt, {"category_code": pl.String(), "tickets": pl.Int64()})


def unsettled_matters(bind: Bind, scope: Scope, **filters) -> tuple[pl.DataFrame, pl.DataFrame]:  # noqa: ANN003
    """(matter counts, first tickets): each matter (a first ticket and its repeats) among the
    selected tickets with one not settled yet, with its ticket count and last receipt; and the
    selected tickets that open those matters (metrics.feedback.kpis.top_matters joins them)."""
    sub = tickets_stmt(scope, **filters).subquery()
    matter = func.coalesce(sub.c.repeat_of_id, sub.c.id)
    settled = (sub.c.status == "merged") | ((sub.c.status == "closed") & (sub.c.resolved.is_(True)))
    unsettled = func.sum(case((settled, 0), else_=1))
    groups = read_frame(bind, select(matter.label("matter_id"), func.count().label("tickets"),
                                     unsettled.label("unsettled"), func.max(sub.c.received_at))
                        .group_by(matter).having(unsettled > 0),
                        {"matter_id": pl.Int64(), "tickets": pl.Int64(), "unsettled": pl.Int64(),
                         "last_on": UTC_TIMESTAMP}).with_columns(shanghai_date("last_on"))
    t = Ticket
    first = read_frame(bind, tickets_stmt(scope, **filters).with_only_columns(
        t.id, t.ticket_no, t.category_code, t.region_code, t.department_id)
        .where(t.id.in_(groups["matter_id"].to_list() or [-1])), MATTER_SCHEMA)
    return groups, first

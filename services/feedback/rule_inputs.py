"""Rule inputs of S5 (see metrics/feedback/rules.py for the columns): the whole province, no
scope; the working days left to each reply deadline from the official calendar and the same
"today" the `clock` loader gives the rules.

Each loader reads only what its rules look at (a province: a million tickets, eight million
events; reading them whole took 95 s on SQLite): the open tickets, the matters raised more
than once, and the per-department counts of FB-Y4 and FB-Y5 counted in SQL over the window
their parameter sets (read from the rule settings, as the sync that evaluates them does)."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy import func, literal, select
from sqlmodel import Session

from metrics.feedback.flow import STATUSES, TERMINAL
from metrics.feedback.rules import GIVEN, RATED_SCHEMA, RETURNS_SCHEMA, RULES, SATISFIED
from models.feedback import Ticket, TicketEvent
from services.feedback import read
from services.lights.inputs import Bind, Departments, Loader, loader_table
from services.lights.rule_inputs import clock
from services.lights.rule_settings import effective_params, stored_settings
from services.platform.frames import read_frame
from services.platform.scope import departments_scope

LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)
OPEN = tuple(s for s in STATUSES if s not in TERMINAL)
RULE = {r.id: r for r in RULES}


def _today(bind: Bind) -> date:
    return clock(bind)["today"][0]


def _window(bind: Bind, rule_id: str) -> int:
    with Session(bind) as s:
        return int(effective_params(RULE[rule_id], stored_settings(session=s))["window_days"])


@loader("fb_open", tables=("calendar_year", "fb_ticket"), by_department=True, dated=True)
def fb_open(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    today = _today(bind)
    frame = read.ticket_frame(bind, departments_scope(departments), statuses=OPEN)
    return read.with_workdays_left(frame, read.calendar_around(bind, frame, today), today)


@loader("fb_repeats", tables=("fb_ticket",))
def fb_repeats(bind: Bind) -> pl.DataFrame:
    return read.ticket_frame(bind, None, repeats=True)


@loader("fb_rated", tables=("fb_ticket", "rule_setting"), by_department=True, dated=True)
def fb_rated(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    """metrics.feedback.rules.rated_counts in SQL: called back after today − window (China
    dates), i.e. from 00:00 in China of the day after."""
    t, days = Ticket, _window(bind, "FB-Y4")
    since = read.utc_midnight(_today(bind) - timedelta(days=days - 1))
    stmt = (select(t.department_id, t.region_code, literal(days).label("window_days"),
                   func.count().label("evaluated"),
                   func.count().filter(t.satisfaction.in_(SATISFIED)).label("satisfied"))
            .where(t.satisfaction.is_not(None), t.department_id.is_not(None), t.visited_at >= since)
            .group_by(t.department_id, t.region_code))
    if departments is not None:
        stmt = stmt.where(t.department_id.in_(sorted(departments)))
    return read_frame(bind, stmt, RATED_SCHEMA)


@loader("fb_returns", tables=("fb_event", "fb_ticket", "rule_setting"), by_department=True,
        dated=True)
def fb_returns(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    """metrics.feedback.rules.move_counts in SQL (the region is the ticket's); a department's
    counts are those of the moves it was given or gave back (the event's department)."""
    e, t, days = TicketEvent, Ticket, _window(bind, "FB-Y5")
    since = read.utc_midnight(_today(bind) - timedelta(days=days - 1))
    stmt = (select(e.department_id, t.region_code, literal(days).label("window_days"),
                   func.count().filter(e.action == "return").label("returns"),
                   func.count().filter(e.action.in_(GIVEN)).label("given"))
            .join(t, t.id == e.ticket_id)
            .where(e.action.in_(("return", *GIVEN)), e.at >= since, e.department_id.is_not(None))
            .group_by(e.department_id, t.region_code))
    if departments is not None:
        stmt = stmt.where(e.department_id.in_(sorted(departments)))
    return read_frame(bind, stmt, RETURNS_SCHEMA)

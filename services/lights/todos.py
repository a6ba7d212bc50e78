"""What waits for the user (the home page's to-dos and the menu's counts), in their scope:
a data officer's open 督办 orders with working days left, a supervisor's answers to accept,
and new red lights of the last days for supervisors and leaders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import polars as pl
from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import CHINA_TZ
from core.statuses import LIGHT_OPEN
from metrics.lights.todos import with_days_left
from models.lights import Alert, SupervisionOrder
from services.lights.read import ORDER_COLUMNS, AlertFilter, alerts_frame, orders_frame
from services.platform.scope import Scope
from services.platform.workcalendar import load_calendar

TO_ANSWER = ("issued", "returned")   # the department's move
TO_ACCEPT = ("answered",)            # the supervisor's move
NEW_RED_DAYS = 7


def _answers(roles: tuple[str, ...]) -> bool:
    return "data_officer" in roles


def _accepts(roles: tuple[str, ...]) -> bool:
    return "supervisor" in roles


def _watches(roles: tuple[str, ...]) -> bool:
    return bool({"supervisor", "leader"} & set(roles))


@dataclass(frozen=True)
class Todos:
    to_answer: pl.DataFrame   # orders + days_left (working days) + state
    to_accept: pl.DataFrame   # orders (with answered_by_name)
    new_red: pl.DataFrame     # open red alerts detected since `since`
    since: date

    @property
    def total(self) -> int:
        return self.to_answer.height + self.to_accept.height + self.new_red.height


def todos(*, session: Session, scope: Scope, roles: tuple[str, ...], today: date) -> Todos:
    since = today - timedelta(days=NEW_RED_DAYS)
    empty = pl.DataFrame(schema=ORDER_COLUMNS)
    to_answer = empty.with_columns(pl.lit(None, pl.Int64).alias("days_left"),
                                   pl.lit(None, pl.String).alias("state"))
    if _answers(roles):
        open_orders = orders_frame(session=session, scope=scope, statuses=TO_ANSWER)
        if open_orders.height:
            first = min(open_orders["due_date"].min(), today)
            last = max(open_orders["due_date"].max(), today)
            cal = load_calendar(first, last, session=session).frame
            to_answer = with_days_left(open_orders, cal, today)
    to_accept = empty
    if _accepts(roles):
        to_accept = orders_frame(session=session, scope=scope, statuses=TO_ACCEPT)
    new_red = alerts_frame(session=session, scope=scope, flt=_new_red(since))
    if not _watches(roles):
        new_red = new_red.clear()
    return Todos(to_answer=to_answer, to_accept=to_accept, new_red=new_red, since=since)


def menu_counts(*, session: Session, scope: Scope, roles: tuple[str, ...],
                today: date) -> tuple[int, int]:
    """(orders waiting for this user's move, new red lights): the menu's counts."""
    statuses = (TO_ANSWER if _answers(roles) else ()) + (TO_ACCEPT if _accepts(roles) else ())
    waiting = 0
    if statuses:
        o = SupervisionOrder
        waiting = session.execute(
            select(func.count()).select_from(o)
            .where(o.status.in_(statuses), scope.where(o.region_code, o.department_id))).scalar_one()
    red = 0
    if _watches(roles):
        red = session.execute(
            select(func.count()).select_from(Alert)
            .where(Alert.level == "red", Alert.status.in_(LIGHT_OPEN),
                   Alert.detected_at >= datetime.combine(today - timedelta(days=NEW_RED_DAYS),
                                                         time.min, CHINA_TZ),
                   scope.where(Alert.region_code, Alert.department_id))).scalar_one()
    return int(waiting), int(red)


def _new_red(since: date) -> AlertFilter:
    return AlertFilter(levels=("red",), statuses=LIGHT_OPEN, since=since)

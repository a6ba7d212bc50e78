"""Rule inputs of S5 (see metrics/feedback/rules.py for the columns): the whole province, no
scope; the working days left to each reply deadline from the official calendar and the same
"today" the `clock` loader gives the rules."""

from __future__ import annotations

from datetime import timedelta

import polars as pl

from services.feedback import read
from services.lights.inputs import Bind, Loader, loader_table
from services.lights.rule_inputs import clock

LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)
MOVES_LOOKBACK_DAYS = 730  # the longest window a rule parameter allows


@loader("fb_tickets", tables=("calendar_year", "fb_ticket"), dated=True)
def fb_tickets(bind: Bind) -> pl.DataFrame:
    today = clock(bind)["today"][0]
    frame = read.ticket_frame(bind, None)
    return read.with_workdays_left(frame, read.calendar_around(bind, frame, today), today)


@loader("fb_moves", tables=("fb_event", "fb_ticket"), dated=True)
def fb_moves(bind: Bind) -> pl.DataFrame:
    today = clock(bind)["today"][0]
    return read.moves_frame(bind, None, since=today - timedelta(days=MOVES_LOOKBACK_DAYS))

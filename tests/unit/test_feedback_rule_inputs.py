"""The S5 rule loaders read only the rows and counts their rules need; the alerts stay those of
the whole-table reads they replace. The reference below is the former loaders (every ticket,
every move of two years) with the counts taken in polars by metrics.feedback.rules; both run on
the seeded demo, on both databases, with the default windows and with changed ones."""

from __future__ import annotations

import json
from datetime import timedelta

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlmodel import Session

from metrics.feedback.rules import RULES, move_counts, rated_counts
from metrics.lights.registry import evaluate
from models.base import utcnow
from models.rules import RuleSetting
from services.feedback import read
from services.lights.inputs import load_inputs
from services.lights.rule_inputs import clock
from services.lights.rule_settings import effective_params, stored_settings


def _reference(engine, params: dict) -> dict[str, pl.DataFrame]:  # noqa: ANN001
    """The loaders as they were: the whole ticket table and two years of moves."""
    today = clock(engine)["today"][0]
    tickets = read.ticket_frame(engine, None)
    tickets = read.with_workdays_left(tickets, read.calendar_around(engine, tickets, today), today)
    moves = read.moves_frame(engine, None, since=today - timedelta(days=730))
    return {"fb_open": tickets, "fb_repeats": tickets,
            "fb_rated": rated_counts(tickets, today, params["FB-Y4"]["window_days"]),
            "fb_returns": move_counts(moves, today, params["FB-Y5"]["window_days"]),
            "clock": clock(engine)}


def _alerts(frames: dict, params: dict) -> dict[str, list[tuple]]:
    return {r.id: sorted(evaluate(r, frames, params[r.id]).select("subject_id", "department_id",
                                                                    "facts").rows())
            for r in RULES}


def _params(engine) -> dict:  # noqa: ANN001
    with Session(engine) as s:
        stored = stored_settings(session=s)
    return {r.id: effective_params(r, stored) for r in RULES}


@pytest.mark.parametrize("windows", [None, (30, 400)], ids=["default", "changed"])
def test_narrow_loaders_give_the_alerts_of_the_whole_reads(seeded, windows):
    if windows:
        with Session(seeded) as s:
            for rule_id, days in zip(("FB-Y4", "FB-Y5"), windows, strict=True):
                s.add(RuleSetting(rule_id=rule_id, param="window_days", value=json.dumps(days),
                                  updated_by="test", updated_at=utcnow()))
            s.commit()
    params = _params(seeded)
    ref = _reference(seeded, params)
    new = load_inputs(seeded, {"fb_open", "fb_repeats", "fb_rated", "fb_returns", "clock"})
    by = ["department_id", "region_code"]
    assert_frame_equal(new["fb_rated"].sort(by), ref["fb_rated"].sort(by))
    assert_frame_equal(new["fb_returns"].sort(by), ref["fb_returns"].sort(by))
    got, want = _alerts(new, params), _alerts(ref, params)
    assert got == want
    # the demo plants one of each: the comparison is not between empty results (FB-Y4's
    # planted evaluations are older than a 30-day window)
    quiet = {"FB-Y4"} if windows else set()
    assert {r.id for r in RULES if not want[r.id]} == quiet, {k: len(v) for k, v in want.items()}
    # and the narrow reads are narrow: no closed ticket among the open ones, only matters
    # raised more than once among the repeats
    assert new["fb_open"].height < ref["fb_open"].height
    assert not new["fb_open"]["status"].is_in(["closed", "merged"]).any()
    matters = new["fb_repeats"].select(pl.coalesce("repeat_of_id", "ticket_id")).to_series()
    assert matters.is_in(new["fb_repeats"]["repeat_of_id"]).all()


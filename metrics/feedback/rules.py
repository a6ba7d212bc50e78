"""S5 light rules (民意诉求反馈): tickets past their limits, reopened or repeated matters, and
departments whose satisfaction is low or who return tickets to evade them. Pure polars; the
loaders (services/feedback/rule_inputs.py) give the deadlines as China dates and the working
days left; "today" comes from the `clock` input. Inputs:

  fb_open:     the tickets not yet closed or merged, with the columns ticket_id, ticket_no,
               department_id, region_code, category_code, status, received_on, sign_due,
               reply_due, visit_due, signed_on, replied_on, visited_on, resolved,
               satisfaction, reopen_count, return_count, repeat_of_id, merged_into_id,
               reply_workdays_left (working days from today to reply_due: 0 on the day itself)
  fb_repeats:  the same columns for the tickets of matters raised more than once (every
               repeat and the ticket it repeats; reply_workdays_left null)
  fb_rated:    `rated_counts` of the tickets over FB-Y4's window: per department and region
  fb_returns:  `move_counts` of the moves (dispatch / reassign / reject_return / reopen /
               return: a department given a ticket, or giving one back) over FB-Y5's window
  clock:       today

The loaders read only these rows (a province holds a million tickets and eight million events);
`rated_counts` and `move_counts` are the reference the loaders' SQL counts the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.lights.registry import Param, Rule, facts_json

TICKETS_SCHEMA: dict[str, pl.DataType] = {
    "ticket_id": pl.Int64(), "ticket_no": pl.String(), "department_id": pl.Int64(),
    "region_code": pl.String(), "category_code": pl.String(), "status": pl.String(),
    "received_on": pl.Date(), "sign_due": pl.Date(), "reply_due": pl.Date(),
    "visit_due": pl.Date(), "signed_on": pl.Date(), "replied_on": pl.Date(),
    "visited_on": pl.Date(), "resolved": pl.Boolean(), "satisfaction": pl.String(),
    "reopen_count": pl.Int64(), "return_count": pl.Int64(), "repeat_of_id": pl.Int64(),
    "merged_into_id": pl.Int64(), "reply_workdays_left": pl.Int32(),
}
MOVES_SCHEMA: dict[str, pl.DataType] = {
    "department_id": pl.Int64(), "region_code": pl.String(), "action": pl.String(),
    "on": pl.Date(),
}
HANDLING = ("dispatched", "signed", "processing")
DONE = ("closed", "merged")
GIVEN = ("dispatch", "reassign", "reject_return", "reopen")
SATISFIED = ("satisfied", "basically")


def _today(frames: Mapping[str, pl.DataFrame]) -> pl.Expr:
    clock = frames["clock"]
    if clock.height == 0:
        raise ValueError("the clock input has no row")
    return pl.lit(clock["today"][0], dtype=pl.Date)


def _day(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m-%d").alias(col)


def _ticket_subjects(frame: pl.DataFrame, *facts: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit("ticket").alias("subject_type"), pl.col("ticket_no").alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("ticket_no"), pl.col("category_code"), *facts))


def sign_overdue(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-Y1: dispatched and not signed for after the sign-for deadline."""
    t = frames["fb_open"]
    hit = t.filter((pl.col("status") == "dispatched") & (_today(frames) > pl.col("sign_due")))
    return _ticket_subjects(hit, _day("sign_due"))


def reply_overdue(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-R1: still with the department after the reply deadline (extensions included)."""
    t = frames["fb_open"]
    hit = t.filter(pl.col("status").is_in(HANDLING) & (_today(frames) > pl.col("reply_due")))
    return _ticket_subjects(hit, pl.col("status"), _day("reply_due"))


def reply_near(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-Y2: with the department, not overdue, and at most N working days left."""
    t = frames["fb_open"]
    n = int(params["workdays_left"])
    hit = t.filter(pl.col("status").is_in(HANDLING) & (_today(frames) <= pl.col("reply_due"))
                   & (pl.col("reply_workdays_left") <= n))
    return _ticket_subjects(hit, _day("reply_due"), pl.col("reply_workdays_left"),
                            pl.lit(n).alias("workdays_left"))


def visit_overdue(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-Y3: answered, and the citizen not called back (回访) by the visit deadline."""
    t = frames["fb_open"]
    hit = t.filter((pl.col("status") == "replied") & (_today(frames) > pl.col("visit_due")))
    return _ticket_subjects(hit, _day("replied_on"), _day("visit_due"))


def reopened_often(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-R2: reopened (重办) N times or more and not yet closed."""
    t = frames["fb_open"]
    n = int(params["min_reopens"])
    hit = t.filter((pl.col("reopen_count") >= n) & ~pl.col("status").is_in(DONE))
    return _ticket_subjects(hit, pl.col("reopen_count"), pl.lit(n).alias("min_reopens"))


def repeated_unresolved(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-R3: a matter raised N times or more (the first ticket and its repeats: same contact,
    or same address and category, within the detection window) that is not settled: some
    ticket of it still open, or answered without being resolved."""
    t = frames["fb_repeats"]
    n = int(params["min_tickets"])
    matter = t.with_columns(pl.coalesce("repeat_of_id", "ticket_id").alias("matter_id"))
    settled = (pl.col("status") == "merged") | ((pl.col("status") == "closed")
                                                & pl.col("resolved").fill_null(False))
    groups = (matter.sort("received_on", "ticket_id").group_by("matter_id")
              .agg(pl.len().cast(pl.Int64).alias("tickets"),
                   (~settled).sum().cast(pl.Int64).alias("unsettled"),
                   pl.col("ticket_no").str.join("、").alias("ticket_nos"))
              .filter((pl.col("tickets") >= n) & (pl.col("unsettled") > 0)))
    first = t.select(pl.col("ticket_id").alias("matter_id"), "ticket_no", "department_id",
                     "region_code", "category_code")
    hit = groups.join(first, on="matter_id", how="inner").sort("matter_id")
    return _ticket_subjects(hit, pl.col("tickets"), pl.col("unsettled"), pl.col("ticket_nos"),
                            pl.lit(n).alias("min_tickets"))


def _department_subjects(frame: pl.DataFrame, *facts: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit("department").alias("subject_type"),
        pl.col("department_id").cast(pl.String).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"), facts_json(*facts))


RATED_SCHEMA: dict[str, pl.DataType] = {
    "department_id": pl.Int64(), "region_code": pl.String(), "window_days": pl.Int64(),
    "evaluated": pl.Int64(), "satisfied": pl.Int64()}
RETURNS_SCHEMA: dict[str, pl.DataType] = {
    "department_id": pl.Int64(), "region_code": pl.String(), "window_days": pl.Int64(),
    "returns": pl.Int64(), "given": pl.Int64()}


def rated_counts(tickets: pl.DataFrame, today, window_days: int) -> pl.DataFrame:  # noqa: ANN001
    """Evaluated and satisfied tickets (满意 + 基本满意) called back in the last `window_days`
    days, per department and region (tickets without a department left out)."""
    since = pl.lit(today, dtype=pl.Date) - pl.duration(days=window_days)
    rated = tickets.filter(pl.col("satisfaction").is_not_null() & pl.col("department_id").is_not_null()
                           & (pl.col("visited_on") > since))
    return (rated.group_by("department_id", "region_code")
            .agg(pl.lit(window_days, dtype=pl.Int64).alias("window_days"),
                 pl.len().cast(pl.Int64).alias("evaluated"),
                 pl.col("satisfaction").is_in(SATISFIED).sum().cast(pl.Int64).alias("satisfied")))


def move_counts(moves: pl.DataFrame, today, window_days: int) -> pl.DataFrame:  # noqa: ANN001
    """Tickets given back (退单) and given (派单, 改派, 退单驳回, 重办) in the last `window_days`
    days, per department and region."""
    since = pl.lit(today, dtype=pl.Date) - pl.duration(days=window_days)
    recent = moves.filter((pl.col("on") > since) & pl.col("department_id").is_not_null())
    return (recent.group_by("department_id", "region_code")
            .agg(pl.lit(window_days, dtype=pl.Int64).alias("window_days"),
                 (pl.col("action") == "return").sum().cast(pl.Int64).alias("returns"),
                 pl.col("action").is_in(GIVEN).sum().cast(pl.Int64).alias("given")))


def _counts(frames: Mapping[str, pl.DataFrame], name: str, days: int) -> pl.DataFrame:
    """The counts, checked to be over the window the parameter asks for (the loader reads
    the same parameter; a mismatch would silently count the wrong days)."""
    counts = frames[name]
    if counts.height and set(counts["window_days"].unique().to_list()) != {days}:
        raise ValueError(f"{name} counted over another window than {days} days")
    return counts


def low_satisfaction(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-Y4: a department's satisfaction rate (满意 + 基本满意 over evaluated tickets called
    back in the last N days) below the threshold, with at least M evaluations."""
    days, floor = int(params["window_days"]), float(params["min_rate"])
    least = int(params["min_evaluated"])
    per = (_counts(frames, "fb_rated", days)
           .with_columns((pl.col("satisfied") / pl.col("evaluated")).round(4).alias("rate"))
           .filter((pl.col("evaluated") >= least) & (pl.col("rate") < floor))
           .sort("department_id"))
    return _department_subjects(per, pl.col("evaluated"), pl.col("satisfied"), pl.col("rate"),
                                pl.lit(floor).alias("min_rate"), pl.lit(days).alias("window_days"))


def return_abuse(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FB-Y5: a department that gave back (退单) at least N tickets in the last D days and at
    least the given share of those it was given in that time."""
    days, least, share = int(params["window_days"]), int(params["min_returns"]), float(params["share"])
    per = (_counts(frames, "fb_returns", days)
           .with_columns((pl.col("returns") / pl.col("given").clip(lower_bound=1)).round(4).alias("return_share"))
           .filter((pl.col("returns") >= least) & (pl.col("return_share") >= share))
           .sort("department_id"))
    return _department_subjects(per, pl.col("returns"), pl.col("given"), pl.col("return_share"),
                                pl.lit(least).alias("min_returns"), pl.lit(share).alias("share"),
                                pl.lit(days).alias("window_days"))


def _rule(rid: str, level: str, subject: str, fn, inputs: tuple[str, ...],  # noqa: ANN001
          params: tuple[Param, ...] = ()) -> Rule:
    key = rid.lower().replace("-", "_")
    # a ticket's rules look at that ticket (its department's partition), FB-Y4 and FB-Y5 at
    # one department's counts; FB-R3's matter spans tickets of several departments: global
    return Rule(id=rid, system="S5", level=level, subject_type=subject,
                title_key=f"feedback.rules.{key}.title",
                definition_key=f"feedback.rules.{key}.definition",
                basis_key=f"feedback.rules.{key}.basis", inputs=(*inputs, "clock"), fn=fn,
                params=params, facts_key=f"feedback.rules.{key}.facts",
                partition="global" if rid == "FB-R3" else "department")


def _p(rid: str, name: str, default, lo, hi) -> Param:  # noqa: ANN001
    return Param(name, default, f"feedback.rules.{rid}.{name}", min=lo, max=hi)


RULES: tuple[Rule, ...] = (
    _rule("FB-Y1", "yellow", "ticket", sign_overdue, ("fb_open",)),
    _rule("FB-R1", "red", "ticket", reply_overdue, ("fb_open",)),
    _rule("FB-Y2", "yellow", "ticket", reply_near, ("fb_open",),
          (_p("fb_y2", "workdays_left", 2, 0, 30),)),
    _rule("FB-Y3", "yellow", "ticket", visit_overdue, ("fb_open",)),
    _rule("FB-R2", "red", "ticket", reopened_often, ("fb_open",),
          (_p("fb_r2", "min_reopens", 2, 1, 20),)),
    _rule("FB-R3", "red", "ticket", repeated_unresolved, ("fb_repeats",),
          (_p("fb_r3", "min_tickets", 3, 2, 50),)),
    _rule("FB-Y4", "yellow", "department", low_satisfaction, ("fb_rated",),
          (_p("fb_y4", "min_rate", 0.8, 0, 1), _p("fb_y4", "min_evaluated", 10, 1, 10000),
           _p("fb_y4", "window_days", 90, 7, 730))),
    _rule("FB-Y5", "yellow", "department", return_abuse, ("fb_returns",),
          (_p("fb_y5", "min_returns", 5, 1, 1000), _p("fb_y5", "share", 0.3, 0, 1),
           _p("fb_y5", "window_days", 90, 7, 730))),
)

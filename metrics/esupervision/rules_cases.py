"""S4 light rules on approval cases (AP-*): time limits, steps, fees, suspensions, channels.
The procedure check (AP-R2) and the department comparison (AP-Y6) live in
rules_procedure.py. Pure and cheap: the loaders already computed the working-day columns;
"today" is the `clock` input (one China date per sync)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.esupervision.schemas import case_subjects, day, suspension_subject, today_of
from metrics.lights.registry import facts_json


def near_limit(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y1: in progress (a suspended case's clock is stopped), not past the deadline, and
    remaining ≤ N working days or elapsed ≥ share of the limit."""
    c = frames["ap_cases"]
    today = today_of(frames)
    remaining = pl.col("limit_days") - pl.col("elapsed_workdays")
    hit = c.filter(
        (pl.col("status") == pl.lit("in_progress")) & (today <= pl.col("deadline"))
        & ((remaining <= pl.lit(int(params["remaining_days"])))
           | (pl.col("elapsed_workdays") >= pl.col("limit_days") * pl.lit(float(params["share"])))))
    return case_subjects(hit, day("received_on"), pl.col("limit_days"), day("deadline"),
                         pl.col("elapsed_workdays"), remaining.alias("remaining_workdays"),
                         pl.lit(int(params["remaining_days"])).alias("remaining_days"),
                         pl.lit(float(params["share"])).alias("share"))


def over_limit(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-R1: concluded after the deadline, or still open past it."""
    c = frames["ap_cases"]
    today = today_of(frames)
    late_done = pl.col("status").is_in(("finished", "rejected")) & (pl.col("finished_on") > pl.col("deadline"))
    late_open = pl.col("status").is_in(("in_progress", "suspended")) & (today > pl.col("deadline"))
    hit = c.filter(late_done | late_open)
    return case_subjects(hit, pl.col("status"), day("received_on"), pl.col("limit_days"),
                         pl.col("suspended_workdays"), day("deadline"), day("finished_on"))


def deadline_unknown(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y7: a case that is open or concluded but whose deadline could not be computed (the
    working-day calendar does not reach it): AP-R1 / AP-Y1 cannot judge it, so it is shown
    rather than silently left out."""
    c = frames["ap_cases"]
    hit = c.filter(pl.col("status").is_in(("in_progress", "suspended", "finished", "rejected"))
                   & pl.col("deadline").is_null())
    return case_subjects(hit, pl.col("status"), day("received_on"), pl.col("limit_days"),
                         pl.col("suspended_workdays"))


def step_over_limit(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y2: a step took longer than its own limit while the case is within its total."""
    c = frames["ap_cases"]
    today = today_of(frames)
    within = c.filter(pl.coalesce(pl.col("finished_on"), today) <= pl.col("deadline"))
    over = (frames["ap_steps"]
            .filter(pl.col("step_limit_days").is_not_null()
                    & (pl.col("step_elapsed_workdays") > pl.col("step_limit_days")))
            .sort("case_id", "step_order")
            .group_by("case_id", maintain_order=True)
            .agg(pl.col("seq").first().alias("step_seq"), pl.col("step_name").first(),
                 pl.col("step_limit_days").first(), pl.col("step_elapsed_workdays").first(),
                 pl.len().cast(pl.Int64).alias("steps_over")))
    hit = within.join(over, on="case_id", how="inner")
    return case_subjects(hit, pl.col("step_seq"), pl.col("step_name"), pl.col("step_limit_days"),
                         pl.col("step_elapsed_workdays"), pl.col("steps_over"),
                         pl.col("limit_days"), day("deadline"))


def fee_above_standard(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-R3: fee charged above the power's fee standard (a free power: any fee), in exact
    fen: a tolerance in yuan is rounded to the fen."""
    c = frames["ap_cases"]
    tol_fen = round(float(params["tolerance_yuan"]) * 100)
    std = pl.col("fee_standard").fill_null(0)
    charged_fen = (pl.col("fee_charged") * 100).cast(pl.Int64)
    hit = c.filter(charged_fen > (std * 100).cast(pl.Int64) + pl.lit(tol_fen))
    return case_subjects(hit, pl.col("fee_charged"), std.alias("fee_standard"),
                         pl.lit(float(params["tolerance_yuan"])).alias("tolerance_yuan"))


def long_suspension(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y3: a suspension longer than N working days inside its case, or without a reason."""
    s = frames["ap_suspensions"]
    max_days = int(params["max_days"])
    no_reason = pl.col("reason").fill_null("").str.strip_chars() == pl.lit("")
    hit = s.filter((pl.col("suspension_workdays") > pl.lit(max_days)) | no_reason)
    return hit.select(
        pl.lit("case_suspension").alias("subject_type"),
        pl.lit(suspension_subject(hit)).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("case_no"), pl.col("kind"), day("start_on"), day("end_on"),
                   pl.col("suspension_workdays"), no_reason.alias("no_reason"),
                   pl.lit(max_days).alias("max_days")))


def rejected_without_reason(frames: Mapping[str, pl.DataFrame],
                            params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y4: rejected without a stated reason."""
    c = frames["ap_cases"]
    hit = c.filter((pl.col("status") == pl.lit("rejected"))
                   & (pl.col("reject_reason").fill_null("").str.strip_chars() == pl.lit("")))
    return case_subjects(hit, day("received_on"), day("finished_on"))


def window_although_online(frames: Mapping[str, pl.DataFrame],
                           params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y5: handled at the window although the power can be handled online."""
    c = frames["ap_cases"]
    hit = c.filter((pl.col("channel") == pl.lit("window")) & pl.col("online_available").fill_null(False))
    return case_subjects(hit, pl.col("channel"), day("received_on"))

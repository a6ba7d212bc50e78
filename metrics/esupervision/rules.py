"""S4 light rules (行政权力电子监察): approval cases (AP-*) and special funds (FD-*).

Pure and cheap: the loaders (services/esupervision/rule_inputs.py) already computed the
working-day columns with metrics.workdays / metrics.supervision; "today" comes from the
`clock` input. Inputs:

  ap_cases:       case_id, case_no, power_id, power_name, department_id, region_code, channel,
                  status, received_on, finished_on, limit_days, suspended_workdays, deadline,
                  elapsed_workdays (through finished_on, or today while open), fee_charged,
                  fee_standard (None = free), online_available, reject_reason
  ap_steps:       case_id, seq, step_name, started_on, finished_on, step_limit_days,
                  step_elapsed_workdays, step_order (1, 2, … by start time)
  ap_flow_edges:  power_id, from_seq, to_seq (the flow chart of every power version)
  ap_suspensions: suspension_id, case_id, case_no, department_id, region_code, kind,
                  start_on, end_on, reason, suspension_workdays
  fd_funds:       fund_id, code, name, department_id, region_code, year, budget,
                  allocated_on, approval_threshold
  fd_payments:    payment_id, fund_id, fund_code, department_id, region_code, recipient_name,
                  recipient_uscc, amount, paid_on, voucher, approval_threshold
  clock:          today
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.lights.registry import Param, Rule, facts_json
from metrics.power.flowchart import STEP_SPAN, step_key

CASES_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(), "case_no": pl.String(), "power_id": pl.Int64(),
    "power_name": pl.String(), "department_id": pl.Int64(), "region_code": pl.String(),
    "channel": pl.String(), "status": pl.String(), "received_on": pl.Date(),
    "finished_on": pl.Date(), "limit_days": pl.Int64(), "suspended_workdays": pl.Int32(),
    "deadline": pl.Date(), "elapsed_workdays": pl.Int32(), "fee_charged": pl.Float64(),
    "fee_standard": pl.Float64(), "online_available": pl.Boolean(), "reject_reason": pl.String(),
}
STEPS_SCHEMA: dict[str, pl.DataType] = {
    "case_id": pl.Int64(), "seq": pl.Int64(), "step_name": pl.String(), "started_on": pl.Date(),
    "finished_on": pl.Date(), "step_limit_days": pl.Int64(), "step_elapsed_workdays": pl.Int32(),
    "step_order": pl.Int64(),
}
EDGES_SCHEMA: dict[str, pl.DataType] = {
    "power_id": pl.Int64(), "from_seq": pl.Int64(), "to_seq": pl.Int64(),
}
SUSPENSIONS_SCHEMA: dict[str, pl.DataType] = {
    "suspension_id": pl.Int64(), "case_id": pl.Int64(), "case_no": pl.String(),
    "department_id": pl.Int64(), "region_code": pl.String(), "kind": pl.String(),
    "start_on": pl.Date(), "end_on": pl.Date(), "reason": pl.String(),
    "suspension_workdays": pl.Int32(),
}
FUNDS_SCHEMA: dict[str, pl.DataType] = {
    "fund_id": pl.Int64(), "code": pl.String(), "name": pl.String(), "department_id": pl.Int64(),
    "region_code": pl.String(), "year": pl.Int64(), "budget": pl.Float64(),
    "allocated_on": pl.Date(), "approval_threshold": pl.Float64(),
}
PAYMENTS_SCHEMA: dict[str, pl.DataType] = {
    "payment_id": pl.Int64(), "fund_id": pl.Int64(), "fund_code": pl.String(),
    "department_id": pl.Int64(), "region_code": pl.String(), "recipient_name": pl.String(),
    "recipient_uscc": pl.String(), "amount": pl.Float64(), "paid_on": pl.Date(),
    "voucher": pl.String(), "approval_threshold": pl.Float64(),
}
OPEN = ("in_progress", "suspended")
CONCLUDED = ("finished", "rejected")


def _day(col: str) -> pl.Expr:
    return pl.col(col).dt.strftime("%Y-%m-%d").alias(col)


def _today(frames: Mapping[str, pl.DataFrame]) -> pl.Expr:
    clock = frames["clock"]
    if clock.height == 0:
        raise ValueError("the clock input has no row")
    return pl.lit(clock["today"][0], dtype=pl.Date)


def _case_subjects(frame: pl.DataFrame, *facts: pl.Expr) -> pl.DataFrame:
    return frame.select(
        pl.lit("approval_case").alias("subject_type"), pl.col("case_no").alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("case_no"), pl.col("power_name"), *facts))


# ---- approvals ------------------------------------------------------------------------

def near_limit(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y1: open, not past the deadline, and remaining ≤ N working days or elapsed ≥ share."""
    c = frames["ap_cases"]
    today = _today(frames)
    remaining = pl.col("limit_days") - pl.col("elapsed_workdays")
    hit = c.filter(
        pl.col("status").is_in(OPEN) & (today <= pl.col("deadline"))
        & ((remaining <= pl.lit(int(params["remaining_days"])))
           | (pl.col("elapsed_workdays") >= pl.col("limit_days") * pl.lit(float(params["share"])))))
    return _case_subjects(hit, _day("received_on"), pl.col("limit_days"), _day("deadline"),
                          pl.col("elapsed_workdays"), remaining.alias("remaining_workdays"),
                          pl.lit(int(params["remaining_days"])).alias("remaining_days"),
                          pl.lit(float(params["share"])).alias("share"))


def over_limit(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-R1: concluded after the deadline, or still open past it."""
    c = frames["ap_cases"]
    today = _today(frames)
    late_done = pl.col("status").is_in(CONCLUDED) & (pl.col("finished_on") > pl.col("deadline"))
    late_open = pl.col("status").is_in(OPEN) & (today > pl.col("deadline"))
    hit = c.filter(late_done | late_open)
    return _case_subjects(hit, pl.col("status"), _day("received_on"), pl.col("limit_days"),
                          pl.col("suspended_workdays"), _day("deadline"), _day("finished_on"))


def step_over_limit(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y2: a step took longer than its own limit while the case is within its total."""
    c = frames["ap_cases"]
    today = _today(frames)
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
    return _case_subjects(hit, pl.col("step_seq"), pl.col("step_name"), pl.col("step_limit_days"),
                          pl.col("step_elapsed_workdays"), pl.col("steps_over"),
                          pl.col("limit_days"), _day("deadline"))


def wrong_procedure(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-R2: a finished case whose steps (in order of start) do not form a path of the chart
    from a start step to an end step: a skipped step or an order the chart does not allow."""
    cases = frames["ap_cases"].filter(pl.col("status") == pl.lit("finished"))
    edges = frames["ap_flow_edges"]
    top = max(edges["to_seq"].max() or 0, edges["from_seq"].max() or 0,
              frames["ap_steps"]["seq"].max() or 0)
    if top >= STEP_SPAN:
        raise ValueError(f"step number {top} is beyond {STEP_SPAN - 1}")
    # membership tests on one integer per (power, step) and per arc instead of three joins on
    # composite keys (a province has 5.7M steps)
    node = step_key("power_id", "seq")
    arc = step_key(step_key("power_id", "from_seq"), "to_seq")
    froms = edges.select(step_key("power_id", "from_seq").alias("k"))["k"]
    tos = edges.select(step_key("power_id", "to_seq").alias("k"))["k"]
    starts = froms.filter(~froms.is_in(tos.implode())).unique()
    ends = tos.filter(~tos.is_in(froms.implode())).unique()
    arcs = edges.select(arc.alias("k"))["k"].unique()
    # sorted by case and order, the next row's step is the next step while the case is the
    # same (no window functions: a province has a million small groups)
    steps = (frames["ap_steps"].select("case_id", "seq", "step_order")
             .join(cases.select("case_id", "power_id"), on="case_id")
             .sort("case_id", "step_order"))
    same_next = (pl.col("case_id").shift(-1) == pl.col("case_id")).fill_null(False)
    first = (pl.col("case_id").shift(1) != pl.col("case_id")).fill_null(True)
    next_arc = step_key(node, pl.col("seq").shift(-1))
    bad_step = (
        (first & ~node.is_in(starts.implode()))
        | (same_next & ~next_arc.is_in(arcs.implode()))
        | (~same_next & ~node.is_in(ends.implode())))
    bad = steps.filter(bad_step).group_by("case_id").agg(
        pl.col("seq").first().alias("first_bad_seq"))
    per_case = (steps.join(bad.select("case_id"), on="case_id", how="semi")
                .group_by("case_id", maintain_order=True)
                .agg(pl.col("seq").cast(pl.String).str.join("→").alias("path"))
                .join(bad, on="case_id"))
    hit = cases.join(per_case, on="case_id", how="inner")
    return _case_subjects(hit, pl.col("path"), pl.col("first_bad_seq"))


def fee_above_standard(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-R3: fee charged above the power's fee standard (a free power: any fee)."""
    c = frames["ap_cases"]
    tol = float(params["tolerance_yuan"])
    std = pl.col("fee_standard").fill_null(0.0)
    hit = c.filter(pl.col("fee_charged") > std + pl.lit(tol))
    return _case_subjects(hit, pl.col("fee_charged"), std.alias("fee_standard"),
                          pl.lit(tol).alias("tolerance_yuan"))


def long_suspension(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y3: a suspension longer than N working days, or without a reason."""
    s = frames["ap_suspensions"]
    max_days = int(params["max_days"])
    no_reason = pl.col("reason").fill_null("").str.strip_chars() == pl.lit("")
    hit = s.filter((pl.col("suspension_workdays") > pl.lit(max_days)) | no_reason)
    return hit.select(
        pl.lit("case_suspension").alias("subject_type"),
        (pl.col("case_no") + pl.lit("#") + pl.col("suspension_id").cast(pl.String)).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("case_no"), pl.col("kind"), _day("start_on"), _day("end_on"),
                   pl.col("suspension_workdays"), no_reason.alias("no_reason"),
                   pl.lit(max_days).alias("max_days")))


def rejected_without_reason(frames: Mapping[str, pl.DataFrame],
                            params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y4: rejected without a stated reason."""
    c = frames["ap_cases"]
    hit = c.filter((pl.col("status") == pl.lit("rejected"))
                   & (pl.col("reject_reason").fill_null("").str.strip_chars() == pl.lit("")))
    return _case_subjects(hit, _day("received_on"), _day("finished_on"))


def window_although_online(frames: Mapping[str, pl.DataFrame],
                           params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y5: handled at the window although the power can be handled online."""
    c = frames["ap_cases"]
    hit = c.filter((pl.col("channel") == pl.lit("window")) & pl.col("online_available").fill_null(False))
    return _case_subjects(hit, pl.col("channel"), _day("received_on"))


def outlier_department(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y6: per power (by name, across the departments that hold it), a department whose
    median elapsed working days of finished cases is ≥ Q3 + k·IQR of all departments' medians
    (and above Q3, so equal medians never fire). Needs `min_cases` cases per department and
    `min_departments` departments."""
    k = float(params["iqr_factor"])
    per_dept = (frames["ap_cases"].filter(pl.col("status") == pl.lit("finished"))
                .group_by("power_name", "department_id")
                .agg(pl.col("region_code").first(), pl.len().alias("cases"),
                     pl.col("elapsed_workdays").median().alias("median_workdays"))
                .filter(pl.col("cases") >= pl.lit(int(params["min_cases"]))))
    m = pl.col("median_workdays")
    fences = (per_dept.group_by("power_name")
              .agg(pl.len().alias("departments"), m.quantile(0.25, "linear").alias("q1"),
                   m.quantile(0.75, "linear").alias("q3"))
              .filter(pl.col("departments") >= pl.lit(int(params["min_departments"])))
              .with_columns((pl.col("q3") + pl.lit(k) * (pl.col("q3") - pl.col("q1"))).alias("fence")))
    hit = (per_dept.join(fences, on="power_name", how="inner")
           .filter((m >= pl.col("fence")) & (m > pl.col("q3"))))
    return hit.select(
        pl.lit("department_power").alias("subject_type"),
        (pl.col("department_id").cast(pl.String) + pl.lit(":") + pl.col("power_name")).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("power_name"), pl.col("cases"), m, pl.col("departments"),
                   pl.col("q1"), pl.col("q3"), pl.col("fence"), pl.lit(k).alias("iqr_factor")))


# ---- special funds -----------------------------------------------------------------------

def _paid(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    paid = frames["fd_payments"].group_by("fund_id").agg(pl.col("amount").sum().alias("paid"))
    return (frames["fd_funds"].join(paid, on="fund_id", how="left")
            .with_columns(pl.col("paid").fill_null(0.0)))


def _fund_subjects(frame: pl.DataFrame, subject_id: pl.Expr, subject_type: str,
                   *facts: pl.Expr) -> pl.DataFrame:
    return frame.select(pl.lit(subject_type).alias("subject_type"), subject_id.alias("subject_id"),
                        pl.col("department_id"), pl.col("region_code"), facts_json(*facts))


def over_budget(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-R1: payments add up to more than the fund's budget."""
    hit = _paid(frames).filter(pl.col("paid") > pl.col("budget"))
    return _fund_subjects(hit, pl.col("code"), "special_fund", pl.col("code").alias("fund_code"),
                          pl.col("name"), pl.col("budget"), pl.col("paid").round(2))


def duplicate_payment(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-R2: a payment of the same amount to the same recipient from the same fund within N
    days of an earlier one (the later payment lights)."""
    days = int(params["window_days"])
    keys = ["fund_id", "recipient_uscc", "amount"]
    same = pl.all_horizontal(pl.col(k).shift(1) == pl.col(k) for k in keys).fill_null(False)
    p = (frames["fd_payments"].sort(*keys, "paid_on", "payment_id")
         .with_columns(pl.when(same).then(pl.col("paid_on").shift(1)).alias("previous_paid_on"),
                       pl.when(same).then(pl.col("voucher").shift(1)).alias("previous_voucher")))
    hit = p.filter((pl.col("paid_on") - pl.col("previous_paid_on")).dt.total_days() <= pl.lit(days))
    return _fund_subjects(hit, pl.col("payment_id").cast(pl.String), "fund_payment",
                          pl.col("fund_code"), pl.col("recipient_name"), pl.col("recipient_uscc"),
                          pl.col("amount"), _day("paid_on"), pl.col("voucher"),
                          _day("previous_paid_on"), pl.col("previous_voucher"),
                          pl.lit(days).alias("window_days"))


def split_payments(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-Y1: ≥ N payments to one recipient from one fund within D days, each between low % and
    high % of the fund's approval threshold (just under it: a split to avoid approval)."""
    days, n = int(params["window_days"]), int(params["min_payments"])
    lo, hi = float(params["low_share"]), float(params["high_share"])
    near = frames["fd_payments"].filter(
        (pl.col("amount") >= pl.col("approval_threshold") * pl.lit(lo))
        & (pl.col("amount") <= pl.col("approval_threshold") * pl.lit(hi)))
    pairs = (near.select("fund_id", "recipient_uscc", "payment_id", "paid_on")
             .join(near.select("fund_id", "recipient_uscc", pl.col("paid_on").alias("other_on")),
                   on=["fund_id", "recipient_uscc"])
             .filter(((pl.col("other_on") - pl.col("paid_on")).dt.total_days() >= 0)
                     & ((pl.col("other_on") - pl.col("paid_on")).dt.total_days() <= pl.lit(days)))
             .group_by("fund_id", "recipient_uscc", "payment_id", "paid_on").agg(pl.len().alias("n")))
    best = (pairs.sort("n", "paid_on", descending=[True, False])
            .group_by("fund_id", "recipient_uscc", maintain_order=True)
            .agg(pl.col("n").first().alias("payments_in_window"),
                 pl.col("paid_on").first().alias("window_start"))
            .filter(pl.col("payments_in_window") >= pl.lit(n)))
    info = near.group_by("fund_id", "recipient_uscc").agg(
        pl.col("fund_code", "department_id", "region_code", "recipient_name",
               "approval_threshold").first())
    hit = best.join(info, on=["fund_id", "recipient_uscc"])
    return _fund_subjects(
        hit, pl.col("fund_code") + pl.lit(":") + pl.col("recipient_uscc"), "fund_recipient",
        pl.col("fund_code"), pl.col("recipient_name"), pl.col("recipient_uscc"),
        pl.col("payments_in_window").cast(pl.Int64), _day("window_start"),
        pl.col("approval_threshold"), pl.lit(days).alias("window_days"),
        pl.lit(lo).alias("low_share"), pl.lit(hi).alias("high_share"))


def idle_fund(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-Y2: less than `min_share` of the budget paid `months` months after allocation."""
    months, share = int(params["months"]), float(params["min_share"])
    today = _today(frames)
    hit = _paid(frames).filter(
        (pl.col("allocated_on").dt.offset_by(f"{months}mo") <= today)
        & (pl.col("paid") < pl.col("budget") * pl.lit(share)))
    return _fund_subjects(hit, pl.col("code"), "special_fund", pl.col("code").alias("fund_code"),
                          pl.col("name"), _day("allocated_on"), pl.col("budget"),
                          pl.col("paid").round(2), pl.lit(months).alias("months"),
                          pl.lit(share).alias("min_share"))


def year_end_rush(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """FD-Y3: more than `max_share` of a fund's payments of a calendar year (by amount) paid in
    December."""
    share = float(params["max_share"])
    p = frames["fd_payments"]
    per_year = (p.group_by("fund_id", "fund_code", pl.col("paid_on").dt.year().cast(pl.Int64)
                           .alias("pay_year"))
                .agg(pl.col("department_id", "region_code").first(),
                     pl.col("amount").sum().alias("year_total"),
                     pl.col("amount").filter(pl.col("paid_on").dt.month() == 12).sum()
                     .alias("december"))
                .with_columns((pl.col("december") / pl.col("year_total")).alias("december_share"))
                .filter((pl.col("year_total") > 0) & (pl.col("december_share") > pl.lit(share))))
    return _fund_subjects(
        per_year, pl.col("fund_code") + pl.lit(":") + pl.col("pay_year").cast(pl.String),
        "fund_year", pl.col("fund_code"), pl.col("pay_year"), pl.col("year_total").round(2),
        pl.col("december").round(2), pl.col("december_share").round(4),
        pl.lit(share).alias("max_share"))


def _keys(rule: str) -> dict[str, str]:
    base = f"esupervision.rules.{rule}"
    return {"title_key": f"{base}.title", "definition_key": f"{base}.definition",
            "basis_key": f"{base}.basis", "facts_key": f"{base}.facts"}


def _p(rule: str, name: str, default: float, lo: float, hi: float) -> Param:
    return Param(name, default, f"esupervision.rules.{rule}.{name}", min=lo, max=hi)


AP = ("ap_cases", "clock")
AP_Y1 = Rule(
    id="AP-Y1", system="S4", level="yellow", subject_type="approval_case", **_keys("ap_y1"),
    inputs=AP, fn=near_limit, volatile=("elapsed_workdays", "remaining_workdays"),
    params=(_p("ap_y1", "remaining_days", 2, 0, 30), _p("ap_y1", "share", 0.8, 0.1, 1.0)))
AP_R1 = Rule(
    id="AP-R1", system="S4", level="red", subject_type="approval_case", **_keys("ap_r1"),
    inputs=AP, fn=over_limit)
AP_Y2 = Rule(
    id="AP-Y2", system="S4", level="yellow", subject_type="approval_case", **_keys("ap_y2"),
    inputs=("ap_cases", "ap_steps", "clock"), fn=step_over_limit,
    volatile=("step_elapsed_workdays",))
AP_R2 = Rule(
    id="AP-R2", system="S4", level="red", subject_type="approval_case", **_keys("ap_r2"),
    inputs=("ap_cases", "ap_steps", "ap_flow_edges"), fn=wrong_procedure)
AP_R3 = Rule(
    id="AP-R3", system="S4", level="red", subject_type="approval_case", **_keys("ap_r3"),
    inputs=("ap_cases",), fn=fee_above_standard,
    params=(_p("ap_r3", "tolerance_yuan", 0.0, 0, 10000),))
AP_Y3 = Rule(
    id="AP-Y3", system="S4", level="yellow", subject_type="case_suspension", **_keys("ap_y3"),
    inputs=("ap_suspensions",), fn=long_suspension, volatile=("suspension_workdays",),
    params=(_p("ap_y3", "max_days", 10, 1, 250),))
AP_Y4 = Rule(
    id="AP-Y4", system="S4", level="yellow", subject_type="approval_case", **_keys("ap_y4"),
    inputs=("ap_cases",), fn=rejected_without_reason)
AP_Y5 = Rule(
    id="AP-Y5", system="S4", level="yellow", subject_type="approval_case", **_keys("ap_y5"),
    inputs=("ap_cases",), fn=window_although_online)
AP_Y6 = Rule(
    id="AP-Y6", system="S4", level="yellow", subject_type="department_power", **_keys("ap_y6"),
    inputs=("ap_cases",), fn=outlier_department,
    volatile=("cases", "median_workdays", "q1", "q3", "fence", "departments"),
    params=(_p("ap_y6", "iqr_factor", 1.5, 0, 10), _p("ap_y6", "min_cases", 5, 1, 1000),
            _p("ap_y6", "min_departments", 4, 2, 1000)))
FD_R1 = Rule(
    id="FD-R1", system="S4", level="red", subject_type="special_fund", **_keys("fd_r1"),
    inputs=("fd_funds", "fd_payments"), fn=over_budget)
FD_R2 = Rule(
    id="FD-R2", system="S4", level="red", subject_type="fund_payment", **_keys("fd_r2"),
    inputs=("fd_payments",), fn=duplicate_payment,
    params=(_p("fd_r2", "window_days", 30, 1, 366),))
FD_Y1 = Rule(
    id="FD-Y1", system="S4", level="yellow", subject_type="fund_recipient", **_keys("fd_y1"),
    inputs=("fd_payments",), fn=split_payments,
    params=(_p("fd_y1", "min_payments", 3, 2, 100), _p("fd_y1", "window_days", 30, 1, 366),
            _p("fd_y1", "low_share", 0.85, 0, 1), _p("fd_y1", "high_share", 1.0, 0, 1)))
FD_Y2 = Rule(
    id="FD-Y2", system="S4", level="yellow", subject_type="special_fund", **_keys("fd_y2"),
    inputs=("fd_funds", "fd_payments", "clock"), fn=idle_fund, volatile=("paid",),
    params=(_p("fd_y2", "months", 6, 1, 36), _p("fd_y2", "min_share", 0.3, 0, 1)))
FD_Y3 = Rule(
    id="FD-Y3", system="S4", level="yellow", subject_type="fund_year", **_keys("fd_y3"),
    inputs=("fd_payments",), fn=year_end_rush,
    volatile=("year_total", "december", "december_share"),
    params=(_p("fd_y3", "max_share", 0.4, 0, 1),))

RULES = (AP_Y1, AP_R1, AP_Y2, AP_R2, AP_R3, AP_Y3, AP_Y4, AP_Y5, AP_Y6, FD_R1, FD_R2, FD_Y1, FD_Y2, FD_Y3,)

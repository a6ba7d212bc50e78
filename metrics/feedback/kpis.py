"""S5 KPIs per department, region or month, pure polars over the ticket frame
(services.feedback.read.ticket_frame). Merged tickets (并单) count only for the repeat rate:
they are the same matter as their master. Each rate is numerator / denominator; both are
kept so a figure can be traced to its tickets (null rate when nothing is measured).

  响应率 response      signed by the sign-for deadline / dispatched tickets due to be signed
  按时办结率 on_time    answered by the reply deadline / tickets answered or past the deadline
  回访率 visit          called back / answered
  解决率 resolve        resolved at the call-back / called back
  满意率 satisfaction   满意 + 基本满意 / evaluated
  重办率 reopen         reopened at least once / dispatched
  退单率 return         returned at least once / dispatched or returned
  重复诉求率 repeat     repeating an earlier ticket (incl. merged) / all tickets
"""

from __future__ import annotations

from datetime import date

import polars as pl

KPIS: tuple[str, ...] = ("response", "on_time", "visit", "resolve", "satisfaction", "reopen",
                         "return", "repeat")
SATISFIED = ("satisfied", "basically")


def _parts(today: date) -> dict[str, tuple[pl.Expr, pl.Expr]]:
    t = pl.lit(today, dtype=pl.Date)
    live = pl.col("status") != "merged"
    dispatched = live & pl.col("sign_due").is_not_null()
    sign_due = dispatched & (pl.col("signed_on").is_not_null() | (pl.col("sign_due") < t))
    reply_due = live & pl.col("reply_due").is_not_null() & (
        pl.col("replied_on").is_not_null() | (pl.col("reply_due") < t))
    replied = live & pl.col("replied_on").is_not_null()
    visited = live & pl.col("visited_on").is_not_null() & pl.col("resolved").is_not_null()
    rated = live & pl.col("satisfaction").is_not_null()
    return {
        "response": (sign_due & (pl.col("signed_on") <= pl.col("sign_due")).fill_null(False), sign_due),
        "on_time": (reply_due & (pl.col("replied_on") <= pl.col("reply_due")).fill_null(False), reply_due),
        "visit": (replied & pl.col("visited_on").is_not_null(), replied),
        "resolve": (visited & pl.col("resolved").fill_null(False), visited),
        "satisfaction": (rated & pl.col("satisfaction").is_in(SATISFIED), rated),
        "reopen": (dispatched & (pl.col("reopen_count") >= 1), dispatched),
        "return": ((live & (pl.col("return_count") >= 1)),
                   live & (pl.col("sign_due").is_not_null() | (pl.col("return_count") >= 1))),
        "repeat": (pl.col("repeat_of_id").is_not_null(), pl.col("ticket_id").is_not_null()),
    }


def kpi_table(tickets: pl.DataFrame, by: list[str], today: date) -> pl.DataFrame:
    """One row per group of `by`: received (tickets, merged excluded), and for each KPI k
    `k_num`, `k_den` and `k_rate` (Float64, null when `k_den` is 0)."""
    aggs = [(pl.col("status") != "merged").sum().cast(pl.Int64).alias("received")]
    for key, (num, den) in _parts(today).items():
        aggs += [num.sum().cast(pl.Int64).alias(f"{key}_num"),
                 den.sum().cast(pl.Int64).alias(f"{key}_den")]
    grouped = tickets.group_by(by).agg(aggs) if by else tickets.select(aggs)
    rates = [pl.when(pl.col(f"{k}_den") > 0).then(pl.col(f"{k}_num") / pl.col(f"{k}_den"))
             .otherwise(None).cast(pl.Float64).alias(f"{k}_rate") for k in KPIS]
    return grouped.with_columns(rates).sort(by) if by else grouped.with_columns(rates)


def with_month(tickets: pl.DataFrame) -> pl.DataFrame:
    return tickets.with_columns(pl.col("received_on").dt.strftime("%Y-%m").alias("month"))


def category_mix(tickets: pl.DataFrame) -> pl.DataFrame:
    live = tickets.filter(pl.col("status") != "merged")
    return mix_order(live.group_by("category_code").agg(pl.len().cast(pl.Int64).alias("tickets")))


def mix_order(counts: pl.DataFrame) -> pl.DataFrame:
    """category_code, tickets: most tickets first."""
    return counts.sort(["tickets", "category_code"], descending=[True, False])


MATTER_SCHEMA: dict[str, pl.DataType] = {
    "matter_id": pl.Int64(), "ticket_no": pl.String(), "category_code": pl.String(),
    "region_code": pl.String(), "department_id": pl.Int64()}


def matter_counts(tickets: pl.DataFrame) -> pl.DataFrame:
    """Matters (a first ticket and its repeats) with a ticket not yet settled: matter_id,
    tickets, unsettled, last_on."""
    matter = tickets.with_columns(pl.coalesce("repeat_of_id", "ticket_id").alias("matter_id"))
    settled = (pl.col("status") == "merged") | ((pl.col("status") == "closed")
                                                & pl.col("resolved").fill_null(False))
    return (matter.group_by("matter_id")
            .agg(pl.len().cast(pl.Int64).alias("tickets"),
                 (~settled).sum().cast(pl.Int64).alias("unsettled"),
                 pl.col("received_on").max().alias("last_on"))
            .filter(pl.col("unsettled") > 0))


def top_matters(groups: pl.DataFrame, first: pl.DataFrame, limit: int = 10) -> pl.DataFrame:
    """The `limit` matters with the most tickets (then unsettled, latest, oldest matter),
    among those whose first ticket is in `first` (MATTER_SCHEMA)."""
    return (groups.join(first, on="matter_id", how="inner")
            .sort(["tickets", "unsettled", "last_on", "matter_id"], descending=[True, True, True, False])
            .head(limit))


def top_unresolved(tickets: pl.DataFrame, limit: int = 10) -> pl.DataFrame:
    """Matters (a first ticket and its repeats) with the most tickets not yet settled."""
    first = tickets.select(pl.col("ticket_id").alias("matter_id"), "ticket_no", "category_code",
                           "region_code", "department_id")
    return top_matters(matter_counts(tickets), first, limit)


def public_stats(tickets: pl.DataFrame, by: str, today: date) -> pl.DataFrame:
    """Counts and the on-time and satisfaction rates by `by` (category_code, region_code or
    month): no content, no contact, no ticket number."""
    table = kpi_table(tickets, [by], today)
    return table.select(by, "received", "on_time_rate", "satisfaction_rate")

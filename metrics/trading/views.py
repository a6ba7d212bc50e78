"""Pure polars for the S2 pages: the register table, a party's bids and co-bidders, flag
counts and rates, the distributions behind Cardinal's fences, the public tables."""

from __future__ import annotations

import polars as pl

from metrics.trading import cardinal_stats as st
from metrics.trading.cardinal_frames import fold
from metrics.trading.cardinal_settings import Settings
from metrics.trading.rules_law import SALE_DOMAINS, china_date

SUBMITTED = ("pending", "valid", "disqualified")


def _flags_per_process(procs: pl.DataFrame, alerts: pl.DataFrame) -> pl.DataFrame:
    on = alerts.filter(pl.col("subject_type") == "trading_process")
    return (procs.select("process_id", "ocid")
            .join(on.group_by("subject_id").agg(
                (pl.col("level") == "red").sum().alias("red"),
                (pl.col("level") == "yellow").sum().alias("yellow"),
                pl.col("rule_id").unique().sort().str.join(" ").alias("rules")),
                left_on="ocid", right_on="subject_id", how="left")
            .with_columns(pl.col("red").fill_null(0), pl.col("yellow").fill_null(0),
                          pl.col("rules").fill_null("")))


def first_awards(awards: pl.DataFrame) -> pl.DataFrame:
    """Each process's winner: its first active award (by award number), and the amount."""
    return (awards.filter(pl.col("status") == "active").sort("award_no")
            .group_by("process_id", maintain_order=True)
            .agg(pl.col("supplier_uscc").first(), pl.col("amount").first().alias("award_amount")))


def cockpit_figures(procs: pl.DataFrame, awards: pl.DataFrame, alerts: pl.DataFrame) -> dict:
    """The cockpit's S2 card, as the register table would count it: the processes, their
    winners' awarded amount (exact), the open red and yellow lights on them, and the share of
    processes with a red one (None without processes)."""
    flags = _flags_per_process(procs, alerts)
    won = first_awards(awards).join(procs.select("process_id"), on="process_id", how="semi")
    red = int((flags["red"] > 0).sum())
    return {"processes": procs.height, "amount": won["award_amount"].drop_nulls().sum(),
            "red": red, "red_lights": int(flags["red"].sum()),
            "yellow_lights": int(flags["yellow"].sum()),
            "rate": red / procs.height if procs.height else None}


def register_order(procs: pl.DataFrame, alerts: pl.DataFrame) -> pl.DataFrame:
    """ocid, red, yellow of every process, in the register table's order (newest first): what
    the register page counts and pages through before it builds the rows of one page."""
    return (_flags_per_process(procs, alerts)
            .join(procs.select("process_id", china_date("tender_start", "start_on")), on="process_id")
            .sort("start_on", "ocid", descending=[True, False]).select("ocid", "red", "yellow"))


def register_table(frames: dict[str, pl.DataFrame], alerts: pl.DataFrame) -> pl.DataFrame:
    procs, bids, awards = frames["tr_processes"], frames["tr_bids"], frames["tr_awards"]
    parties = frames["tr_parties"].select("uscc", "name")
    n = (bids.filter(pl.col("status").is_in(SUBMITTED)).group_by("process_id")
         .agg(pl.col("tenderer_uscc").n_unique().alias("bidders")))
    win = first_awards(awards).join(parties, left_on="supplier_uscc", right_on="uscc", how="left")
    return (procs.join(n, on="process_id", how="left").join(win, on="process_id", how="left")
            .join(_flags_per_process(procs, alerts).drop("ocid"), on="process_id", how="left")
            .select("ocid", "title", "domain", "method_details", "region_code", "department_name",
                    "agency_name", "budget", "max_price", china_date("tender_start", "start_on"),
                    china_date("tender_end", "end_on"), "status",
                    pl.col("bidders").fill_null(0), pl.col("name").alias("winner"),
                    "supplier_uscc", "award_amount", "red", "yellow", "rules")
            .sort("start_on", "ocid", descending=[True, False]))


def party_bids(procs: pl.DataFrame, bids: pl.DataFrame, awards: pl.DataFrame, uscc: str) -> pl.DataFrame:
    won = (awards.filter((pl.col("status") == "active") & (pl.col("supplier_uscc") == uscc))
           .select("process_id", pl.lit(True).alias("won"), pl.col("amount").alias("award_amount")))
    return (bids.filter(pl.col("tenderer_uscc") == uscc)
            .join(procs.select("process_id", "ocid", "title", "domain", "method_details",
                               "department_name"), on="process_id")
            .join(won, on="process_id", how="left")
            .select("ocid", "title", "domain", "method_details", "department_name", "bid_no",
                    "amount", china_date("received_at", "received_on"), "status",
                    pl.col("won").fill_null(False), "award_amount")
            .sort("received_on", descending=True))


def co_bidders(together: pl.DataFrame, names: pl.DataFrame, uscc: str) -> pl.DataFrame:
    """Every other tenderer met in the party's processes, and how often."""
    return (together.filter(pl.col("tenderer_uscc") != uscc)
            .group_by("tenderer_uscc").agg(pl.col("process_id").n_unique().alias("processes"))
            .join(names.select("uscc", "name"), left_on="tenderer_uscc", right_on="uscc", how="left")
            .sort("processes", "tenderer_uscc", descending=[True, False]))


def flags_by_rule_domain(procs: pl.DataFrame, alerts: pl.DataFrame) -> pl.DataFrame:
    on = alerts.filter(pl.col("subject_type") == "trading_process")
    return (on.join(procs.select("ocid", "domain"), left_on="subject_id", right_on="ocid")
            .group_by("rule_id", "level", "domain").agg(pl.len().alias("flags"))
            .sort("rule_id", "domain"))


def flag_rate(procs: pl.DataFrame, alerts: pl.DataFrame, by: str) -> pl.DataFrame:
    """Processes with at least one open red light / processes, per buyer or agency."""
    f = _flags_per_process(procs, alerts)
    return (procs.select("process_id", by).join(f, on="process_id")
            .group_by(by).agg(pl.len().alias("processes"),
                              (pl.col("red") > 0).sum().alias("red_processes"),
                              ((pl.col("red") + pl.col("yellow")) > 0).sum().alias("flagged_processes"))
            .with_columns((pl.col("red_processes") / pl.col("processes")).alias("red_rate"),
                          (pl.col("flagged_processes") / pl.col("processes")).alias("flag_rate"))
            .sort("red_rate", by, descending=[True, False]))


def fence_distributions(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """The values Cardinal fences (R024/R058 second-lowest ratios of price competitions, R038
    disqualified shares of buyers) with Q1, Q3 and the fences, for box plots."""
    procs = frames["tr_processes"].filter(~pl.col("domain").is_in(SALE_DOMAINS))
    state = fold({**frames, "tr_processes": procs}, Settings(), {"R024", "R038"})
    rows = [("R024/R058", k, v) for k, v in state.ratios.items()]
    rows += [("R038", k, d / n) for k, (d, n) in state.r038["Buyer"].items() if n >= 10]
    out = pl.DataFrame(rows, schema={"indicator": pl.String, "subject": pl.String,
                                     "value": pl.Float64}, orient="row")
    fences = []
    for code in ("R024/R058", "R038"):
        values = out.filter(pl.col("indicator") == code)["value"].to_list()
        q1, q3 = st.lower_quartile(values), st.upper_quartile(values)
        fences.append((code, q1, q3, st.lower_fence(q1, q3), st.upper_fence(q1, q3), len(values)))
    meta = pl.DataFrame(fences, schema={"indicator": pl.String, "q1": pl.Float64, "q3": pl.Float64,
                                        "lower_fence": pl.Float64, "upper_fence": pl.Float64,
                                        "n": pl.Int64}, orient="row")
    return out.join(meta, on="indicator", how="left")


def public_tables(frames: dict[str, pl.DataFrame]) -> dict[str, pl.DataFrame]:
    procs, parties = frames["tr_processes"], frames["tr_parties"].select("uscc", "name")
    notices = procs.select("ocid", "title", "domain", "method_details", "department_name",
                           "agency_name", "budget", "max_price", china_date("tender_start", "start_on"),
                           china_date("tender_end", "end_on"), "status").sort("start_on", descending=True)
    awarded = frames["tr_awards"].filter(pl.col("status") == "active")
    awards = (awarded.join(procs.select("process_id", "ocid", "title"), on="process_id")
              .join(parties, left_on="supplier_uscc", right_on="uscc", how="left")
              .select("ocid", "title", pl.col("name").alias("supplier"), "supplier_uscc", "amount",
                      china_date("award_date", "award_on")).sort("award_on", descending=True))
    contracts = (frames["tr_contracts"].filter(pl.col("status").is_in(["active", "terminated"]))
                 .join(procs.select("process_id", "ocid", "title"), on="process_id")
                 .join(parties, left_on="supplier_uscc", right_on="uscc", how="left")
                 .select("ocid", "title", "contract_no", pl.col("name").alias("supplier"), "amount",
                         china_date("date_signed", "signed_on")).sort("signed_on", descending=True))
    # bids are published only once the process has an active award (开标记录 after 定标)
    bids = (frames["tr_bids"].join(awarded.select("process_id").unique(), on="process_id", how="semi")
            .filter(pl.col("status").is_in(SUBMITTED))
            .join(procs.select("process_id", "ocid"), on="process_id")
            .join(parties, left_on="tenderer_uscc", right_on="uscc", how="left")
            .select("ocid", pl.col("name").alias("tenderer"), "amount", "status"))
    return {"notices": notices, "awards": awards, "contracts": contracts, "bids": bids}

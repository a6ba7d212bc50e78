"""S2 light rules from Chinese tendering and procurement law (TR-R*, TR-Y1).

Pure polars over the register frames (metrics.trading.schemas), loaded whole by
services/trading/rule_inputs.py: tr_processes, tr_bids, tr_awards, tr_contracts,
tr_amendments, tr_parties, clock. Every alert is about a process (subject `trading_process`,
id = its ocid) and names the buyer department and region. Statutory presumptions (Art. 40
实施条例) are red; supporting evidence (same address or telephone) is yellow. Dates that the
law counts (submission period, award → contract) are China dates."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import polars as pl

from metrics.lights.registry import facts_json
from metrics.trading.schemas import MONEY

SUBMITTED = ("pending", "valid", "disqualified")
TENDERING = ("公开招标", "邀请招标")
SALE_DOMAINS = ("land", "mining", "state_property", "collective_property")
# 必须招标的工程项目规定 (国家发展改革委令第16号) 第五条: single-contract thresholds (yuan)
MANDATORY = {"works": 4_000_000, "goods": 2_000_000, "services": 1_000_000}


def china_date(col: str, alias: str | None = None) -> pl.Expr:
    return (pl.col(col) + pl.duration(hours=8)).dt.date().alias(alias or col)


def _shanghai(col: str, alias: str | None = None) -> pl.Expr:
    return ((pl.col(col) + pl.duration(hours=8)).dt.strftime("%Y-%m-%d %H:%M")
            .alias(alias or col))


def _subjects(procs: pl.DataFrame, hits: pl.DataFrame, *facts: pl.Expr) -> pl.DataFrame:
    """hits: process_id + fact columns → SUBJECT_SCHEMA rows."""
    rows = procs.select("process_id", "ocid", "title", "department_id", "region_code",
                        "method_details").join(hits, on="process_id", how="inner")
    return rows.sort("ocid").select(
        pl.lit("trading_process").alias("subject_type"), pl.col("ocid").alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("ocid"), pl.col("title"), *facts))


NONE = "—"  # a fact that does not apply (the facts sentence shows a dash, not "None")


def _dash(*cols: str) -> list[pl.Expr]:
    return [pl.col(c).fill_null(NONE) for c in cols]


def _submitted(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    return frames["tr_bids"].filter(pl.col("status").is_in(SUBMITTED))


def _shared(bids: pl.DataFrame, key: str, alias: str) -> pl.DataFrame:
    """process_id, <alias>, tenderers: a non-empty `key` shared by ≥ 2 distinct tenderers of
    one process (one row per process, the first shared value in sort order)."""
    clean = pl.col(key).str.strip_chars()
    rows = (bids.select("process_id", key, "tenderer_uscc").filter(pl.col(key).is_not_null())
            .with_columns(clean.alias(key)).filter(pl.col(key) != ""))
    # count first (cheap), then build the lists only for the few values that are shared
    shared = (rows.group_by("process_id", key).agg(pl.col("tenderer_uscc").n_unique().alias("_n"))
              .filter(pl.col("_n") >= 2).drop("_n"))
    return (rows.join(shared, on=["process_id", key], how="semi")
            .group_by("process_id", key)
            .agg(pl.col("tenderer_uscc").unique().sort().alias("tenderers"))
            .filter(pl.col("tenderers").list.len() >= 2)
            .sort("process_id", key)
            .group_by("process_id", maintain_order=True)
            .agg(pl.col(key).first().alias(alias), pl.col("tenderers").first(),
                 pl.len().alias(f"{alias}_groups")))


def few_bidders(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R1: a tender (公开/邀请招标) with fewer than N distinct tenderers was opened and
    awarded anyway instead of being re-tendered."""
    procs = frames["tr_processes"].filter(pl.col("method_details").is_in(TENDERING)
                                          & ~pl.col("domain").is_in(SALE_DOMAINS))
    counts = (_submitted(frames).group_by("process_id")
              .agg(pl.col("tenderer_uscc").n_unique().alias("bidders")))
    awarded = (frames["tr_awards"].filter(pl.col("status").is_in(["active", "pending"]))
               .select("process_id").unique())
    minimum = int(params["min_bidders"])
    hits = (awarded.join(procs.select("process_id"), on="process_id")
            .join(counts, on="process_id", how="left")
            .with_columns(pl.col("bidders").fill_null(0))
            .filter(pl.col("bidders") < minimum))
    return _subjects(procs, hits, pl.col("method_details"), pl.col("bidders"),
                     pl.lit(minimum).alias("min_bidders"))


PERIOD_PARAMS = {"公开招标": "days_open", "邀请招标": "days_selective", "竞争性磋商": "days_consultation",
                 "竞争性谈判": "days_negotiation", "询价": "days_inquiry", "挂牌": "days_listing",
                 "拍卖": "days_auction"}


def short_period(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R2: from the first day the documents were issued to the submission deadline, fewer
    calendar days than the method allows (招标投标法 第24条: 20 days; 竞争性磋商 10 …)."""
    limits = pl.DataFrame({"method_details": list(PERIOD_PARAMS),
                           "min_days": [int(params[p]) for p in PERIOD_PARAMS.values()]})
    procs = frames["tr_processes"].filter(pl.col("tender_start").is_not_null()
                                          & pl.col("tender_end").is_not_null())
    hits = (procs.join(limits, on="method_details", how="inner")
            .with_columns((china_date("tender_end") - china_date("tender_start"))
                          .dt.total_days().alias("days"))
            .filter(pl.col("days") < pl.col("min_days"))
            .select("process_id", "days", "min_days", china_date("tender_start", "start_on"),
                    china_date("tender_end", "end_on")))
    return _subjects(frames["tr_processes"], hits, pl.col("method_details"),
                     pl.col("start_on").dt.strftime("%Y-%m-%d"),
                     pl.col("end_on").dt.strftime("%Y-%m-%d"), pl.col("days"),
                     pl.col("min_days"))


def shared_bond_account(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R3: bid bonds of different tenderers paid from one account (实施条例 第40条(六))."""
    hits = _shared(_submitted(frames), "bond_account", "bond_account")
    return _subjects(frames["tr_processes"], hits, pl.col("bond_account"),
                     pl.col("tenderers").list.join("、").alias("tenderers"))


def _tenderer_parties(frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    return (_submitted(frames).select("process_id", "tenderer_uscc").unique()
            .join(frames["tr_parties"].rename({"uscc": "tenderer_uscc"}), on="tenderer_uscc",
                  how="inner"))


def related_tenderers(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R4: tenderers of one process with the same legal representative, the same
    controlling shareholder, or one controlling another (实施条例 第34条)."""
    tp = _tenderer_parties(frames)
    rep = _shared(tp, "legal_representative", "legal_representative")
    ctrl = _shared(tp, "controller_uscc", "controller")
    parent = (tp.select("process_id", "tenderer_uscc", "controller_uscc")
              .join(tp.select("process_id", pl.col("tenderer_uscc").alias("controller_uscc")),
                    on=["process_id", "controller_uscc"], how="inner")
              .group_by("process_id")
              .agg(pl.concat_str("controller_uscc", pl.lit("→"), "tenderer_uscc").sort()
                   .alias("controls")))
    hits = (pl.concat([rep.select("process_id"), ctrl.select("process_id"),
                       parent.select("process_id")]).unique()
            .join(rep.select("process_id", "legal_representative",
                             pl.col("tenderers").list.join("、").alias("same_representative")),
                  on="process_id", how="left")
            .join(ctrl.select("process_id", "controller",
                              pl.col("tenderers").list.join("、").alias("same_controller")),
                  on="process_id", how="left")
            .join(parent.select("process_id", pl.col("controls").list.join("、")),
                  on="process_id", how="left"))
    return _subjects(frames["tr_processes"], hits, *_dash("legal_representative",
                     "same_representative", "controller", "same_controller", "controls"))


def same_agent(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R5: one 委托代理人 or one 项目经理 for different tenderers (实施条例 第40条(二)(三))."""
    bids = _submitted(frames)
    agent = _shared(bids, "agent_name", "agent")
    pm = _shared(bids, "project_manager", "project_manager")
    hits = (pl.concat([agent.select("process_id"), pm.select("process_id")]).unique()
            .join(agent.select("process_id", "agent",
                               pl.col("tenderers").list.join("、").alias("agent_tenderers")),
                  on="process_id", how="left")
            .join(pm.select("process_id", "project_manager",
                            pl.col("tenderers").list.join("、").alias("pm_tenderers")),
                  on="process_id", how="left"))
    return _subjects(frames["tr_processes"], hits, *_dash("agent", "agent_tenderers",
                     "project_manager", "pm_tenderers"))


def same_contact(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-Y1: tenderers of one process at the same address or telephone (supporting evidence
    of collusion, not a statutory presumption: yellow)."""
    tp = _tenderer_parties(frames).with_columns(
        pl.col("address").str.replace_all(r"\s+", "").str.to_lowercase(),
        pl.col("telephone").str.replace_all(r"[\s-]+", ""))
    addr = _shared(tp, "address", "address")
    tel = _shared(tp, "telephone", "telephone")
    hits = (pl.concat([addr.select("process_id"), tel.select("process_id")]).unique()
            .join(addr.select("process_id", "address",
                              pl.col("tenderers").list.join("、").alias("address_tenderers")),
                  on="process_id", how="left")
            .join(tel.select("process_id", "telephone",
                             pl.col("tenderers").list.join("、").alias("telephone_tenderers")),
                  on="process_id", how="left"))
    return _subjects(frames["tr_processes"], hits, *_dash("address", "address_tenderers",
                     "telephone", "telephone_tenderers"))


def late_valid_bid(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R6: a bid received after the submission deadline and still treated as valid
    (实施条例 第36条: 逾期送达的投标文件应当拒收)."""
    procs = frames["tr_processes"].select("process_id", "tender_end")
    hits = (frames["tr_bids"].filter(pl.col("status") == "valid")
            .join(procs, on="process_id").filter(pl.col("received_at") > pl.col("tender_end"))
            .sort("process_id", "received_at")
            .group_by("process_id", maintain_order=True)
            .agg(pl.col("bid_no").first(), pl.col("tenderer_uscc").first(),
                 _shanghai("received_at").first(), _shanghai("tender_end").first(),
                 pl.len().alias("late_bids")))
    return _subjects(frames["tr_processes"], hits, pl.col("bid_no"), pl.col("tenderer_uscc"),
                     pl.col("received_at"), pl.col("tender_end"), pl.col("late_bids"))


def over_max_price(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R7: a valid bid above the maximum price (最高投标限价) was not rejected
    (实施条例 第51条(五)). Not for sales, where the price set is a floor."""
    procs = (frames["tr_processes"].filter(~pl.col("domain").is_in(SALE_DOMAINS)
                                           & pl.col("max_price").is_not_null())
             .select("process_id", "max_price"))
    hits = (frames["tr_bids"].filter(pl.col("status") == "valid")
            .join(procs, on="process_id").filter(pl.col("amount") > pl.col("max_price"))
            .sort("process_id", pl.col("amount"), descending=[False, True])
            .group_by("process_id", maintain_order=True)
            .agg(pl.col("bid_no").first(), pl.col("tenderer_uscc").first(),
                 pl.col("amount").first().cast(pl.String),
                 pl.col("max_price").first().cast(pl.String), pl.len().alias("bids_over")))
    return _subjects(frames["tr_processes"], hits, pl.col("bid_no"), pl.col("tenderer_uscc"),
                     pl.col("amount"), pl.col("max_price"), pl.col("bids_over"))


def split_contracts(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R8: one buyer gives one supplier several works contracts, each just below the
    mandatory-tendering threshold of its category, within a window, together at or above it
    (必须招标的工程项目规定 第五条; 招标投标法 第4条 禁止化整为零规避招标). The alert is on
    the process whose contract completes the set."""
    window, least = int(params["window_days"]), int(params["min_contracts"])
    share = Decimal(str(params["low_share"]))
    thresholds = pl.DataFrame({"category": list(MANDATORY),
                               "threshold": [Decimal(v) for v in MANDATORY.values()]},
                              schema={"category": pl.String, "threshold": MONEY})
    procs = frames["tr_processes"].filter(pl.col("domain") == "works").select(
        "process_id", "ocid", "department_id", pl.col("main_category").fill_null("works")
        .alias("category"))
    c = (frames["tr_contracts"].filter(~pl.col("status").is_in(["cancelled"])
                                       & pl.col("date_signed").is_not_null())
         .join(procs, on="process_id").join(thresholds, on="category")
         .filter((pl.col("amount") < pl.col("threshold"))
                 & (pl.col("amount") >= pl.col("threshold") * pl.lit(share).cast(MONEY)))
         .select("process_id", "ocid", "department_id", "supplier_uscc", "category",
                 "threshold", "amount", china_date("date_signed", "signed_on")))
    keys = ["department_id", "supplier_uscc", "category"]
    pairs = (c.join(c.select(*keys, pl.col("ocid").alias("other"),
                             pl.col("amount").alias("other_amount"),
                             pl.col("signed_on").alias("other_on")), on=keys)
             .filter((pl.col("other_on") <= pl.col("signed_on"))
                     & (pl.col("other_on") > pl.col("signed_on") - pl.duration(days=window)))
             .group_by("process_id", "ocid", "threshold")
             .agg(pl.len().alias("contracts"), pl.col("other_amount").sum().alias("total"),
                  pl.col("other").sort().alias("ocids"), pl.col("supplier_uscc").first()))
    hits = pairs.filter((pl.col("contracts") >= least) & (pl.col("total") >= pl.col("threshold")))
    return _subjects(frames["tr_processes"], hits.drop("ocid"), pl.col("supplier_uscc"),
                     pl.col("contracts"), pl.col("total").cast(pl.String),
                     pl.col("threshold").cast(pl.String),
                     pl.col("ocids").list.join("、").alias("ocids"),
                     pl.lit(window).alias("window_days"))


def late_contract(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R9: the contract was signed more than N days after the award notice, or is still
    unsigned N days after it (招标投标法 第46条: 自中标通知书发出之日起三十日内)."""
    days = int(params["max_days"])
    today = pl.lit(frames["clock"]["today"][0], dtype=pl.Date)
    awards = frames["tr_awards"].filter(pl.col("status") == "active").select(
        "process_id", "award_no", china_date("award_date", "award_on"))
    signed = (frames["tr_contracts"].filter(pl.col("date_signed").is_not_null())
              .group_by("process_id", "award_no")
              .agg(china_date("date_signed", "signed_on").min()))
    hits = (awards.join(signed, on=["process_id", "award_no"], how="left")
            .with_columns((pl.coalesce("signed_on", today) - pl.col("award_on")).dt.total_days()
                          .alias("days"))
            .filter(pl.col("days") > days)
            .sort("process_id", "award_no").group_by("process_id", maintain_order=True)
            .agg(pl.all().first()))
    return _subjects(frames["tr_processes"], hits, pl.col("award_no"),
                     pl.col("award_on").dt.strftime("%Y-%m-%d"),
                     pl.col("signed_on").dt.strftime("%Y-%m-%d").fill_null(NONE), pl.col("days"),
                     pl.lit(days).alias("max_days"))


def amendment_over(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """TR-R10: government-procurement contract amendments adding more than 10 % of the
    original amount (政府采购法 第49条: 所有补充合同的采购金额不得超过原合同采购金额的百分之十)."""
    share = Decimal(str(params["max_share"]))
    procs = frames["tr_processes"].filter(pl.col("domain") == "procurement").select("process_id")
    latest = (frames["tr_amendments"].sort("contract_id", "amended_at")
              .group_by("contract_id", maintain_order=True)
              .agg(pl.col("amount_after").last(), pl.len().alias("amendments")))
    hits = (frames["tr_contracts"].join(procs, on="process_id").join(latest, on="contract_id")
            .with_columns((pl.col("amount_after") - pl.col("amount")).alias("added"))
            .filter(pl.col("added") > pl.col("amount") * pl.lit(share).cast(MONEY))
            .sort("process_id", "contract_no").group_by("process_id", maintain_order=True)
            .agg(pl.col("contract_no").first(), pl.col("amount").first().cast(pl.String),
                 pl.col("amount_after").first().cast(pl.String),
                 pl.col("added").first().cast(pl.String), pl.col("amendments").first()))
    return _subjects(frames["tr_processes"], hits, pl.col("contract_no"), pl.col("amount"),
                     pl.col("amount_after"), pl.col("added"), pl.lit(float(share)).alias("max_share"))

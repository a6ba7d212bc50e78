"""Cardinal's statistical indicators as yellow lights (R003 … R058 of OCP Cardinal).

Each rule runs Cardinal's computation on the register frames (metrics.trading.cardinal_frames:
the per-process step in polars, Cardinal's own fences; equal to running metrics.trading.cardinal
on the exported compiled releases) with the rule's parameters as Cardinal settings, and turns
its groups into subjects: OCID → the process,
Tenderer → the party (`trading_party`, its 统一社会信用代码), Buyer → the department
(`trading_buyer`). The lowest-price indicators (R024, R036, R058, and R028 which Cardinal
filters the same way) never see sales by highest bid (land, mining, property rights): their
processes are left out before Cardinal runs, whatever their method is called."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.lights.registry import SUBJECT_SCHEMA, Param, Rule
from metrics.trading.cardinal_frames import memo_by_frames, run_frames
from metrics.trading.cardinal_settings import parse_settings
from metrics.trading.releases import PREFIX
from metrics.trading.rules_law import SALE_DOMAINS

INPUTS = ("tr_processes", "tr_bids", "tr_awards", "tr_contracts", "tr_amendments", "tr_items",
          "tr_parties")
PRICE = ("R024", "R028", "R036", "R058")
_NO_SALES: dict[tuple, pl.DataFrame] = {}


def _ini(code: str, params: Mapping[str, Any]) -> str:
    lines = [f"[{code}]"]
    details = {}
    for name, value in params.items():
        if name == "procurement_method_details":
            details = dict(part.split("=", 1) for part in str(value).split("|") if "=" in part)
        elif name == "threshold" and float(value) <= 0 and code != "R003":
            continue  # 0: no fixed threshold, Cardinal's fence decides
        elif name == "procurement_methods" and not value:
            continue
        else:
            lines.append(f"{name} = {value}")
    if details:
        lines.append(f"[{code}.procurement_method_details]")
        lines += [f"{k.strip()} = {v.strip()}" for k, v in details.items()]
    return "\n".join(lines) + "\n"


def _subjects(out: dict, code: str, frames: Mapping[str, pl.DataFrame]) -> pl.DataFrame:
    procs = frames["tr_processes"]
    rows: list[dict] = []
    meta = out.get("Meta", {}).get(code, {})
    tenderers = out.get("Tenderer", {})
    for ocid, values in out.get("OCID", {}).items():
        if code in values:
            rows.append({"subject_type": "trading_process", "subject_id": ocid,
                         "value": values[code]})
    for uscc, values in tenderers.items():
        if code in values and code in ("R025", "R038", "R048"):
            rows.append({"subject_type": "trading_party", "subject_id": uscc,
                         "value": values[code]})
    for dept, values in out.get("Buyer", {}).items():
        if code in values:
            rows.append({"subject_type": "trading_buyer", "subject_id": dept[len(PREFIX):],
                         "value": values[code]})
    if not rows:
        return pl.DataFrame(schema=SUBJECT_SCHEMA)
    hits = pl.DataFrame(rows, schema={"subject_type": pl.String, "subject_id": pl.String,
                                      "value": pl.Float64})
    by_ocid = procs.select(pl.col("ocid").alias("subject_id"), "department_id", "region_code",
                           "title")
    by_dept = (procs.group_by("department_code").agg(pl.col("department_id").first(),
                                                     pl.col("region_code").first(),
                                                     pl.col("department_name").first()
                                                     .alias("title"))
               .rename({"department_code": "subject_id"}))
    by_party = frames["tr_parties"].select(pl.col("uscc").alias("subject_id"),
                                           pl.col("name").alias("title"), "region_code")
    parts = [
        hits.filter(pl.col("subject_type") == "trading_process").join(by_ocid, on="subject_id"),
        hits.filter(pl.col("subject_type") == "trading_party").join(by_party, on="subject_id",
                                                                    how="left")
        .with_columns(pl.lit(None, pl.Int64).alias("department_id")),
        hits.filter(pl.col("subject_type") == "trading_buyer").join(by_dept, on="subject_id"),
    ]
    cols = ["subject_type", "subject_id", "department_id", "region_code", "title", "value"]
    frame = pl.concat([p.select(cols) for p in parts], how="vertical_relaxed")
    meta_json = json.dumps(meta, ensure_ascii=False, sort_keys=True)
    return frame.sort("subject_type", "subject_id").select(
        "subject_type", "subject_id", "department_id", "region_code",
        pl.struct(pl.col("subject_id").alias("subject"), pl.col("title").fill_null("—"),
                  pl.col("value").round(6).alias("value"), pl.lit(code).alias("indicator"),
                  pl.lit(meta_json).alias("fences")).struct.json_encode().alias("facts"))


def _indicator(code: str):  # noqa: ANN202
    def fn(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
        used = dict(frames)
        if code in PRICE:  # one filtered frame for the four, so they share one preparation
            procs = frames["tr_processes"]
            used["tr_processes"] = memo_by_frames(
                _NO_SALES, (procs,), None, lambda: procs.filter(~pl.col("domain").is_in(SALE_DOMAINS)))
        return _subjects(run_frames(used, parse_settings(_ini(code, params))), code, frames)
    fn.__name__ = f"cardinal_{code.lower()}"
    return fn


def _p(code: str, name: str, default: float | str, lo: float | None = None,
       hi: float | None = None) -> Param:
    return Param(name, default, f"trading.rules.{code.lower()}.{name}", min=lo, max=hi)


# Indicators Cardinal computes from one process alone (its bids, awards, dates), flagged on
# the process: its buyer department's partition (issue 12). The others set fences over the
# whole register (R024, R025, R038, R048, R058) and stay global.
PER_PROCESS = frozenset({"R003", "R018", "R028", "R030", "R035", "R036", "R044"})


def _rule(code: str, *params: Param, volatile: tuple[str, ...] = ()) -> Rule:
    base = f"trading.rules.{code.lower()}"
    return Rule(id=code, system="S2", level="yellow", subject_type="trading_process",
                title_key=f"{base}.title", definition_key=f"{base}.definition",
                basis_key=f"{base}.basis", facts_key=f"{base}.facts", inputs=INPUTS,
                fn=_indicator(code), params=params, volatile=volatile,
                partition="department" if code in PER_PROCESS else "global")


FENCED = ("value", "fences")  # fences move with the whole province: refresh, never reopen
CARDINAL_RULES: tuple[Rule, ...] = (
    _rule("R003", _p("R003", "threshold", 15, 1, 365), _p("R003", "procurement_methods", ""),
          _p("R003", "procurement_method_details",
             "公开招标=20|邀请招标=20|竞争性磋商=10|竞争性谈判=3|询价=3|单一来源=3|挂牌=10|拍卖=20")),
    _rule("R018", _p("R018", "procurement_methods", "open|selective")),
    _rule("R024", _p("R024", "threshold", 0.0, 0, 10), volatile=FENCED),
    _rule("R025", _p("R025", "percentile", 75, 1, 100), _p("R025", "threshold", 0.0, 0, 1),
          volatile=FENCED),
    _rule("R028"),
    _rule("R030"),
    _rule("R035", _p("R035", "threshold", 1, 1, 100)),
    _rule("R036"),
    _rule("R038", _p("R038", "threshold", 0.0, 0, 1),
          # Cardinal's defaults are 2 and 2; ten bids keep a tenderer's or buyer's share
          # from resting on a handful of bids (an admin may set Cardinal's back)
          _p("R038", "minimum_submitted_bids", 10, 1, 1000),
          _p("R038", "minimum_contracting_processes", 10, 1, 1000), volatile=FENCED),
    _rule("R044"),
    _rule("R048", _p("R048", "digits", 2, 1, 8), _p("R048", "threshold", 0, 0, 1000),
          _p("R048", "minimum_contracting_processes", 20, 1, 10000), volatile=FENCED),
    _rule("R058", _p("R058", "threshold", 0.0, 0, 100), volatile=FENCED),
)

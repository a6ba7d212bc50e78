"""Cardinal's per-process step (fold) computed in polars on the register frames, for the lights
engine at province scale; the fences (finalize) are Cardinal's own (cardinal_fences), run on
the same State. Equal, value for value, to metrics.trading.cardinal.run over the compiled
releases metrics.trading.releases builds from these frames (tests/unit/test_trading_cardinal_
frames.py checks it on the demo): on register data every type guard of Cardinal holds (one
tenderer per bid, codes from the codelists, CNY), so only the logic remains."""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from metrics.trading.cardinal import State
from metrics.trading.cardinal_fences import finalize, rounded_meta
from metrics.trading.cardinal_settings import Settings, pipe_set
from metrics.trading.releases import PREFIX

SUBMITTED = ("pending", "valid", "disqualified")


def _sec(col: str) -> pl.Expr:
    return pl.col(col).dt.truncate("1s")  # releases carry times to the second


def _kept(frames: dict[str, pl.DataFrame], s: Settings) -> pl.DataFrame:
    p = frames["tr_processes"].filter(pl.col("status") != "cancelled")
    if s.exclude_details:
        p = p.filter(~pl.col("method_details").is_in(list(s.exclude_details)))
    return p


def _price(p: pl.DataFrame, s: Settings) -> pl.DataFrame:
    if s.price_comparison:
        return p.filter(pl.col("method_details").is_in(list(s.price_comparison)))
    return p.filter(~pl.col("method_details").is_in(list(s.no_price_comparison)))


def _flag(state: State, group: str, keys: list[str], code: str, values: list[float] | float) -> None:
    vals = values if isinstance(values, list) else [values] * len(keys)
    for k, v in zip(keys, vals, strict=True):
        state.flag(group, k, code, float(v))


def _methods(p: pl.DataFrame, methods: frozenset[str]) -> pl.DataFrame:
    return p.filter(pl.col("method").is_in(list(methods))) if methods else p


@dataclass
class Prep:
    """The per-process frames every indicator starts from; they depend on the frames and on
    `[exclusions]` only, so the twelve light rules (one Settings each) share one Prep."""
    p: pl.DataFrame
    bids: pl.DataFrame
    sub: pl.DataFrame
    has_awards: pl.DataFrame
    final: pl.DataFrame
    active: pl.DataFrame
    one: pl.DataFrame
    valid: pl.DataFrame
    memo: dict[tuple, Any] = field(default_factory=dict)  # R024/R058's ratios per price settings


_PREPS: dict[tuple, Prep] = {}
_MEMO_LOCK = threading.RLock()  # a memo computed inside another's is the same thread's
_PREP_INPUTS = ("tr_processes", "tr_bids", "tr_awards")


def memo_by_frames(cache: dict[tuple, Any], frames: tuple[pl.DataFrame, ...], tag: Any, fn: Any) -> Any:
    """fn(), kept while every frame in `frames` lives: keyed by their identity, dropped by a
    weakref finalizer when one is collected (so an id is never reused for a stale entry).
    Computed once when rules run in threads (services.lights.as_read): the others wait for it."""
    key = (*(id(f) for f in frames), tag)
    with _MEMO_LOCK:
        value = cache.get(key)
        if value is None:
            value = cache[key] = fn()
            for f in frames:
                weakref.finalize(f, cache.pop, key, None)
    return value


def prepare(frames: dict[str, pl.DataFrame], s: Settings) -> Prep:
    return memo_by_frames(_PREPS, tuple(frames[n] for n in _PREP_INPUTS), s.exclude_details,
                          lambda: _prepare(frames, s))


def _prepare(frames: dict[str, pl.DataFrame], s: Settings) -> Prep:
    p = _kept(frames, s)
    ids = p.select("process_id", "ocid")
    bids = frames["tr_bids"].with_row_index("_order").join(ids, on="process_id")
    awards = frames["tr_awards"].join(ids, on="process_id")
    sub = bids.filter(pl.col("status").is_in(SUBMITTED))
    has_bids = bids.select("process_id").unique()
    has_awards = awards.select("process_id").unique()
    pending = awards.filter(~pl.col("status").is_in(["active", "cancelled", "unsuccessful"])) \
        .select("process_id").unique()
    final = has_awards.join(has_bids, on="process_id").join(pending, on="process_id", how="anti")
    active = awards.filter(pl.col("status") == "active")
    one = (active.join(final, on="process_id").group_by("process_id")
           .agg(pl.len().alias("n"), pl.col("supplier_uscc").first()).filter(pl.col("n") == 1)
           .drop("n"))
    valid = bids.filter(pl.col("status") == "valid")
    return Prep(p, bids, sub, has_awards, final, active, one, valid)


def _ratios(prep: Prep, s: Settings) -> tuple[dict[str, float], dict[str, tuple[str, str]]]:
    vb = (prep.valid.filter(pl.col("amount").is_not_null()).join(prep.one, on="process_id")
          .join(_price(prep.p, s).select("process_id"), on="process_id"))
    w = (vb.filter(pl.col("tenderer_uscc") == pl.col("supplier_uscc")).group_by("process_id", "ocid")
         .agg(pl.col("amount").cast(pl.Float64).min().alias("w"), pl.col("tenderer_uscc").first()))
    lo = (vb.filter(pl.col("tenderer_uscc") != pl.col("supplier_uscc")).sort("_order")
          .with_columns(pl.col("amount").cast(pl.Float64).alias("a"))
          .sort("a", "_order").group_by("process_id", maintain_order=True)
          .agg(pl.col("a").first().alias("l"), pl.col("tenderer_uscc").first().alias("other")))
    r = w.join(lo, on="process_id").filter(pl.col("l") >= pl.col("w"))
    ratios, pair = {}, {}
    for ocid, wv, lv, win, other in r.select("ocid", "w", "l", "tenderer_uscc", "other").iter_rows():
        diff = lv - wv
        ratios[ocid] = diff / wv if wv != 0 else (float("nan") if diff == 0 else float("inf"))
        pair[ocid] = (win, other)
    return ratios, pair


def fold(frames: dict[str, pl.DataFrame], s: Settings, codes: set[str]) -> State:
    state = State(s)
    prep = prepare(frames, s)
    p, bids, sub, has_awards, active = prep.p, prep.bids, prep.sub, prep.has_awards, prep.active
    final, one, valid = prep.final, prep.one, prep.valid
    if "R003" in codes:
        days = (_sec("tender_end") - _sec("tender_start")).dt.total_seconds() / 86_400
        x = (_methods(p, pipe_set(s.get("R003", "procurement_methods"))).filter(
            pl.col("tender_start").is_not_null() & pl.col("tender_end").is_not_null())
            .with_columns(days.cast(pl.Int64).alias("d"),
                          pl.col("method_details").replace_strict(
                              s.r003_details, default=int(s.get("R003", "threshold", 15)),
                              return_dtype=pl.Int64).alias("limit")))
        _flag(state, "OCID", x.filter(pl.col("d") < pl.col("limit"))["ocid"].to_list(), "R003", 1.0)
    if "R018" in codes:
        n = sub.group_by("ocid").agg(pl.col("tenderer_uscc").n_unique().alias("n"))
        x = _methods(p, pipe_set(s.get("R018", "procurement_methods", "open|selective")))
        _flag(state, "OCID", x.join(n.filter(pl.col("n") == 1), on="ocid")["ocid"].to_list(), "R018", 1.0)
    if codes & {"R024", "R058"}:
        key = ("ratios", s.price_comparison, s.no_price_comparison)
        with _MEMO_LOCK:
            if key not in prep.memo:
                prep.memo[key] = _ratios(prep, s)
        ratios, pair = prep.memo[key]
        state.ratios, state.pair = dict(ratios), dict(pair)
    if "R025" in codes:
        t = valid.join(one, on="process_id").select("process_id", "tenderer_uscc", "supplier_uscc").unique()
        for tid, wins, n in (t.group_by("tenderer_uscc").agg(
                (pl.col("tenderer_uscc") == pl.col("supplier_uscc")).sum().alias("wins"),
                pl.len().alias("n"))).iter_rows():
            state.r025[tid] = [int(wins), int(n)]
    if "R028" in codes:
        pp = _price(p, s).select("process_id")
        g = (sub.filter(pl.col("amount").is_not_null()).join(pp, on="process_id")
             .group_by("ocid", "amount").agg(pl.col("tenderer_uscc").unique())
             .filter(pl.col("tenderer_uscc").list.len() >= 2))
        _flag(state, "OCID", g["ocid"].unique().to_list(), "R028", 1.0)
        _flag(state, "Tenderer", g["tenderer_uscc"].explode().unique().to_list(), "R028", 1.0)
    if "R030" in codes:
        ends = p.filter(pl.col("tender_end").is_not_null()).select("process_id", _sec("tender_end").alias("end"))
        late = (valid.filter(pl.col("received_at").is_not_null())
                .join(ends.join(has_awards, on="process_id"), on="process_id")
                .filter(_sec("received_at") > pl.col("end"))
                .join(active.select("process_id", pl.col("supplier_uscc").alias("tenderer_uscc")),
                      on=["process_id", "tenderer_uscc"]))
        _flag(state, "OCID", late["ocid"].unique().to_list(), "R030", 1.0)
        _flag(state, "Tenderer", late["tenderer_uscc"].unique().to_list(), "R030", 1.0)
    if "R035" in codes:
        threshold = max(int(s.get("R035", "threshold", 1)), 1)
        sets = (bids.join(final, on="process_id").group_by("process_id", "ocid").agg(
            pl.col("tenderer_uscc").filter(pl.col("status") == "valid").unique().alias("v"),
            pl.col("tenderer_uscc").filter(pl.col("status") == "disqualified").unique().alias("d"))
            .filter(pl.col("v").list.len() == 1)
            .join(active.group_by("process_id").agg(pl.col("supplier_uscc").unique().alias("s")),
                  on="process_id", how="left"))
        for ocid, v, d, sup in sets.select("ocid", "v", "d", "s").iter_rows():
            v, sup = set(v), set(sup or [])
            diff = len(set(d) - v)
            if len(v) == 1 and v == sup and diff >= threshold:
                state.flag("OCID", ocid, "R035", float(diff))
                state.flag("Tenderer", next(iter(v)), "R035", 0.0)
    if "R036" in codes:
        pp = _price(p, s).join(active.select("process_id").unique(), on="process_id").select("process_id")
        x = (sub.filter(pl.col("amount").is_not_null()).join(pp, on="process_id")
             .sort("amount", "_order").group_by("ocid", maintain_order=True)
             .agg(pl.col("status").first().alias("low"), (pl.col("status") == "valid").any().alias("ok")))
        _flag(state, "OCID", x.filter((pl.col("low") == "disqualified") & pl.col("ok"))["ocid"].to_list(),
              "R036", 1.0)
    if "R038" in codes:
        _r038(state, p, sub)
    if "R044" in codes:
        _r044(state, frames, bids)
    if "R048" in codes:
        _r048(state, s, active, frames["tr_items"])
    return state


def _r038(state: State, p: pl.DataFrame, sub: pl.DataFrame) -> None:
    d = pl.col("status") == "disqualified"
    for tid, dq, n in sub.group_by("tenderer_uscc").agg(d.sum().alias("dq"), pl.len().alias("n")).iter_rows():
        state.r038["Tenderer"][tid] = [int(dq), int(n)]
    per = sub.group_by("process_id").agg(d.sum().alias("dq"), pl.len().alias("n")).join(
        p.select("process_id", (pl.lit(PREFIX) + pl.col("department_code")).alias("buyer"),
                 pl.coalesce("agency_uscc", pl.lit(PREFIX) + pl.col("department_code")).alias("pe")),
        on="process_id")
    for group, col in (("Buyer", "buyer"), ("ProcuringEntity", "pe")):
        for key, dq, n in per.group_by(col).agg(pl.col("dq").sum(), pl.col("n").sum()).iter_rows():
            state.r038[group][key] = [int(dq), int(n)]


def _r044(state: State, frames: dict[str, pl.DataFrame], bids: pl.DataFrame) -> None:
    parties = frames["tr_parties"].select(
        "uscc", pl.when(pl.col("address").fill_null("") != "")
        .then(pl.col("address").str.strip_chars().str.to_lowercase() + pl.lit(" 中国 ")).alias("addr"),
        pl.when(pl.col("telephone").fill_null("") != "").then(pl.col("telephone")).alias("tel"))
    t = bids.select("ocid", "tenderer_uscc").unique().join(parties, left_on="tenderer_uscc", right_on="uscc")
    hits = []
    for key in ("addr", "tel"):
        g = (t.filter(pl.col(key).is_not_null()).group_by("ocid", key)
             .agg(pl.col("tenderer_uscc").unique()).filter(pl.col("tenderer_uscc").list.len() >= 2))
        hits.append(g.select("ocid", "tenderer_uscc"))
    h = pl.concat(hits)
    _flag(state, "OCID", h["ocid"].unique().to_list(), "R044", 1.0)
    _flag(state, "Tenderer", h["tenderer_uscc"].explode().unique().to_list(), "R044", 1.0)


def _r048(state: State, s: Settings, active: pl.DataFrame, items: pl.DataFrame) -> None:
    digits = int(s.get("R048", "digits", 2))
    x = (active.select("process_id", "supplier_uscc").unique()
         .join(items.select("process_id", pl.col("classification_id").str.slice(0, digits).alias("c")),
               on="process_id")
         .group_by("supplier_uscc").agg(pl.col("process_id").n_unique().alias("n"), pl.col("c").unique()))
    for sup, n, cs in x.iter_rows():
        state.r048[sup] = [int(n), set(cs)]


def run_frames(frames: dict[str, pl.DataFrame], settings: Settings, *, meta: bool = True) -> dict[str, Any]:
    codes = set(settings.sections)
    state = fold(frames, settings, codes)
    finalize(state)
    out: dict[str, Any] = {g: v for g, v in state.results.items() if v}
    if meta:
        out["Meta"] = rounded_meta(state.meta)
    return out

"""How S2 frames read to people: Chinese labels for codes and columns, money as yuan."""

from __future__ import annotations

import polars as pl

from ui.platform.i18n import t

DOMAINS = ("works", "procurement", "land", "mining", "state_property", "collective_property")
METHODS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源", "挂牌", "拍卖")
STATUSES = ("active", "complete", "unsuccessful", "cancelled", "planning")
LABEL_CODES = {"domain": ("domain", DOMAINS),
               "status": ("status", ("planning", "planned", "active", "complete", "cancelled",
                                     "unsuccessful", "withdrawn"))}


def domain_label(code: str | None) -> str:
    return t(f"trading.domain.{code}") if code in DOMAINS else (code or "")


def status_label(code: str | None) -> str:
    return t(f"trading.status.{code}") if code else ""


def bid_status_label(code: str | None) -> str:
    return t(f"trading.bid_status.{code}") if code else ""


def labelled(frame: pl.DataFrame, columns: dict[str, str]) -> pl.DataFrame:
    """Select `columns` (frame column → trading.col.<key>) with codes turned into labels."""
    out = []
    for col, key in columns.items():
        expr = pl.col(col)
        if col == "domain":
            expr = expr.replace_strict({d: domain_label(d) for d in DOMAINS}, default=expr)
        elif col == "status" and key == "status":
            codes = {**{s: status_label(s) for s in LABEL_CODES["status"][1]},
                     **{s: bid_status_label(s) for s in ("invited", "pending", "valid",
                                                         "disqualified")}}
            expr = expr.replace_strict(codes, default=expr)
        elif frame.schema.get(col) == pl.Boolean:
            expr = pl.when(expr).then(pl.lit("✔")).otherwise(pl.lit(""))
        out.append(expr.alias(t(f"trading.col.{key}")))
    return frame.select(out)

"""The process page's tables (pages/trading/process.py): its bids, award and contract with the
parties' names and Beijing times, and its amendments in words. Here, not in the page, so that
the page only lays them out (DESIGN §3)."""

from __future__ import annotations

import polars as pl

from ui.platform.i18n import t
from ui.trading.display import labelled


def _beijing(col: str) -> pl.Expr:
    """A UTC timestamp as Beijing time (UTC+8 all year, no summer time since 1991)."""
    return pl.col(col) + pl.duration(hours=8)


def _named(frame: pl.DataFrame, view, uscc: str) -> pl.DataFrame:  # noqa: ANN001
    return frame.join(view.frames["tr_parties"].select("uscc", "name"), left_on=uscc,
                      right_on="uscc", how="left")


def bids(view) -> pl.DataFrame:  # noqa: ANN001
    """The bids with the tenderer's name and the time received (Beijing), unlabelled."""
    return _named(view.frames["tr_bids"], view, "tenderer_uscc").with_columns(
        _beijing("received_at").dt.strftime("%Y-%m-%d %H:%M").alias("received"))


def bids_table(frame: pl.DataFrame) -> pl.DataFrame:
    return labelled(frame, {"bid_no": "bid_no", "name": "tenderer", "tenderer_uscc": "uscc",
                            "amount": "amount", "received": "received", "status": "status",
                            "bond_account": "bond_account", "agent_name": "agent",
                            "project_manager": "project_manager"})


def tenderers(frame: pl.DataFrame) -> list[tuple[str, str]]:
    """(uscc, name) of each tenderer once, in the order of the bids; no name: the code."""
    first = (frame.filter(pl.col("tenderer_uscc").is_not_null())
             .unique("tenderer_uscc", keep="first", maintain_order=True))
    return [(u, n or u) for u, n in first.select("tenderer_uscc", "name").iter_rows()]


def awards_table(view) -> pl.DataFrame:  # noqa: ANN001
    awards = _named(view.frames["tr_awards"], view, "supplier_uscc").with_columns(
        _beijing("award_date").dt.date().alias("award_on"))
    return labelled(awards, {"name": "supplier", "supplier_uscc": "uscc", "amount": "amount",
                             "award_on": "award_on", "status": "status"})


def contracts_table(view) -> pl.DataFrame:  # noqa: ANN001
    contracts = view.frames["tr_contracts"].with_columns(
        _beijing("date_signed").dt.date().alias("signed_on"))
    return labelled(contracts, {"contract_no": "contract_no", "supplier_uscc": "uscc",
                                "amount": "amount", "signed_on": "signed_on", "status": "status"})


def amendment_lines(view) -> list[str]:  # noqa: ANN001
    """Each amendment in words, dated in Beijing (a UTC date is a day early before 08:00)."""
    rows = view.frames["tr_amendments"].with_columns(_beijing("amended_at").dt.date().alias("on"))
    return [t("trading.process.amendment", no=m["amendment_no"], date=m["on"].strftime("%Y-%m-%d"),
              amount=f"{m['amount_after']:,}", rationale=m["rationale"])
            for m in rows.iter_rows(named=True)]

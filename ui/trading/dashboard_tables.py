"""The red-flag dashboard's tables (pages/trading/dashboard.py): lights per rule and domain as
a pivot, and the red-process rates per buyer and per agency, with Chinese labels. Here, not in
the page, so that the page only lays them out (DESIGN §3)."""

from __future__ import annotations

import polars as pl

from ui.lights.format import level_label, rule_title
from ui.platform.i18n import t
from ui.platform.tables import percent_values
from ui.trading.display import domain_label, labelled

RATE_COLUMNS = {"processes": "processes", "red_rate": "red_rate", "flag_rate": "flag_rate"}


def rule_pivot(by_rule: pl.DataFrame) -> pl.DataFrame:
    """Lights per rule and level (rows) and domain (one column each), missing counts as 0."""
    return (by_rule.with_columns(
        pl.col("domain").replace_strict({d: domain_label(d) for d in by_rule["domain"].unique()}),
        pl.col("rule_id").replace_strict({r: rule_title(r) for r in by_rule["rule_id"].unique()}),
        pl.col("level").replace_strict({lv: level_label(lv) for lv in by_rule["level"].unique()}))
        .pivot(on="domain", index=["rule_id", "level"], values="flags").fill_null(0)
        .rename({"rule_id": t("trading.col.rule"), "level": t("trading.col.level")}))


def _rates(frame: pl.DataFrame, name: str, key: str) -> pl.DataFrame:
    # the rates stay numbers in percent (the page's percent_column writes the sign), so they sort
    return labelled(frame.with_columns(percent_values("red_rate", "flag_rate")),
                    {name: key, **RATE_COLUMNS})


def buyer_rates(by_buyer: pl.DataFrame) -> pl.DataFrame:
    """Processes, red rate and flag rate (in %) per buyer."""
    return _rates(by_buyer, "department_name", "buyer")


def agency_rates(by_agency: pl.DataFrame) -> pl.DataFrame:
    """Processes, red rate and flag rate (in %) per agency."""
    return _rates(by_agency, "agency_name", "agency")

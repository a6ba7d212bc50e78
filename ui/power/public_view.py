"""The public power list's frames (pages/power/public.py): the departments a region offers in
its filter, and a power's public facts as a two-column table. Here, not in the page, so that
the page only lays them out (DESIGN §3)."""

from __future__ import annotations

import polars as pl

from ui.platform.i18n import t


def region_departments(depts: pl.DataFrame, region: str | None) -> pl.DataFrame:
    """The departments of `region`; every department when no region is picked."""
    return depts.filter(pl.col("region_code") == region) if region else depts


def facts_table(power: dict) -> pl.DataFrame:
    """The public facts of a power, one per row; never its internal note or risk points."""
    fee = t("power.ui.free") if power["fee_standard"] is None else f"{power['fee_standard']:g}"
    return pl.DataFrame({
        t("power.ui.field"): [t("power.ui.code"), t("power.ui.category"), t("power.ui.department"),
                              t("power.ui.legal_basis"), t("power.ui.statutory"),
                              t("power.ui.promised"), t("power.ui.fee"), t("power.ui.online")],
        # text throughout: one column holds numbers and words alike
        t("power.ui.value"): [power["code"], power["category"], power["department"],
                              power["legal_basis"], str(power["statutory_limit_days"]),
                              str(power["promised_limit_days"]), fee,
                              t("power.ui.yes") if power["online_available"] else t("power.ui.no")],
    })

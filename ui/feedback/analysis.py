"""The feedback analysis page's tables and chart frames (pages/feedback/dashboard.py): the KPI
parts counted in the database (services.feedback.kpi_sql), grouped and named for display. Here,
not in the page, so that the page only lays them out (DESIGN §3)."""

from __future__ import annotations

import polars as pl

from metrics.feedback.kpis import KPIS
from services.feedback.kpi_sql import kpis_from
from ui.platform.i18n import t
from ui.platform.tables import percent_values


def _named(code: str, names: dict[str, str]) -> pl.Expr:
    """The name of each code of column `code`; an unknown code is shown as itself."""
    return pl.col(code).replace_strict(names, default=pl.col(code))


def named_mix(mix: pl.DataFrame, categories: dict[str, str]) -> pl.DataFrame:
    """The category mix with each category's name (`name`) for the pie."""
    return mix.with_columns(_named("category_code", categories).alias("name"))


def region_tree(parts: pl.DataFrame, regions: dict[str, str]) -> pl.DataFrame:
    """KPIs per county with its city's name, for the treemap: counties with tickets only; a
    county with nothing due yet counts as on time (the tile's colour)."""
    parent = {c: c[:4] + "00" for c in regions}
    return kpis_from(parts, ["region_code"]).with_columns(
        pl.col("region_code").replace_strict(parent, default=pl.col("region_code"))
        .replace_strict(regions, default=None).alias("city"),
        _named("region_code", regions).alias("county"),
        pl.col("received").alias("tickets"), pl.col("on_time_rate").fill_null(1.0),
    ).filter(pl.col("tickets") > 0)


def top_table(top: pl.DataFrame, categories: dict[str, str], regions: dict[str, str]) -> pl.DataFrame:
    """The top unsettled matters with Chinese headers and a link to each ticket (`link`)."""
    return top.select(
        pl.col("ticket_no").alias(t("feedback.col.ticket_no")),
        _named("category_code", categories).alias(t("feedback.col.category")),
        _named("region_code", regions).alias(t("feedback.col.region")),
        pl.col("tickets").alias(t("feedback.col.tickets")),
        pl.col("unsettled").alias(t("feedback.col.unsettled")),
        pl.col("last_on").alias(t("feedback.col.last")),
        (pl.lit("feedback_ticket?no=") + pl.col("ticket_no")).alias("link"))


def kpi_table(parts: pl.DataFrame, by: str, names: dict) -> pl.DataFrame:
    """The eight KPIs per department (`by` = "department_id") or region ("region_code"), each
    rate in % beside its numerator / denominator, busiest first; `names` names the groups."""
    table = kpis_from(parts.filter(pl.col(by).is_not_null()), [by])
    return table.select(
        pl.col(by).replace_strict(names, default=None, return_dtype=pl.String).alias(
            t("feedback.col.department") if by == "department_id" else t("feedback.col.region")),
        pl.col("received").alias(t("feedback.col.received_count")),
        *[rate.alias(t(f"feedback.kpi.{k}") + " %")  # cut down: 99.98 % is not 100.0 %
          for k, rate in zip(KPIS, percent_values(*(f"{k}_rate" for k in KPIS)), strict=True)],
        *[pl.concat_str(pl.col(f"{k}_num"), pl.lit("/"), pl.col(f"{k}_den")).alias(t(f"feedback.kpi.{k}") + " =")
          for k in KPIS]).sort(t("feedback.col.received_count"), descending=True)

"""The working-calendar page's frames (pages/platform/work_calendar.py): where each year's
schedule comes from, and the edited schedule back as polars. Here, not in the page, so that
the page only lays them out (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import polars as pl

from ui.platform.i18n import t


def sources_table(years: Iterable[int], sources: dict[int, str]) -> pl.DataFrame:
    """Each year with the source of its schedule in words."""
    years = list(years)
    return pl.DataFrame({t("calendar.year"): years,
                         t("calendar.source"): [t(f"calendar.source_{sources[y]}") for y in years]})


def edited_days(edited: Any) -> pl.DataFrame:
    """The editor's pandas frame as polars, `day` as a date (pandas holds the days as datetimes)."""
    return pl.from_pandas(edited).with_columns(pl.col("day").cast(pl.Date))

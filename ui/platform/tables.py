"""Every table the pages show goes through `data_table`: `st.dataframe` with the house's
display rules, so a page cannot forget one.

- A date column reads as a date. Streamlit 1.67 draws an Arrow date32 column as a datetime
  ("2026-12-04 00:00:00"), so each polars Date column gets a DateColumn with the date format,
  unless the page configured that column itself.
- A share (0..1) reads as a percent: `percent_values` turns it into percent with one decimal,
  cut down like `formatting.share_text` (99.98 % is 99.9 %), and `percent_column` writes the
  sign; the column stays a number, so it sorts as one."""

from __future__ import annotations

from typing import Any

import polars as pl
import streamlit as st

DATE_FORMAT = "YYYY-MM-DD"


def date_columns(frame: Any) -> dict[str, Any]:
    """A DateColumn config for each date column of a polars frame (nothing for other data)."""
    if not isinstance(frame, pl.DataFrame):
        return {}
    return {name: st.column_config.DateColumn(format=DATE_FORMAT)
            for name, dtype in frame.schema.items() if dtype == pl.Date}


def data_table(data: Any, *, where: Any = st, **kwargs: Any) -> Any:
    """`where.dataframe(data, **kwargs)` (where: st, a column, a tab …) with dates as dates."""
    config = date_columns(data) | (kwargs.pop("column_config", None) or {})
    return where.dataframe(data, column_config=config or None, **kwargs)


def percent_values(*names: str) -> list[pl.Expr]:
    """The share columns `names` (0..1) as percent with one decimal, cut down, never rounded up."""
    return [((pl.col(n) * 1000).round(6).floor() / 10).alias(n) for n in names]


def percent_column() -> Any:
    return st.column_config.NumberColumn(format="%.1f%%")

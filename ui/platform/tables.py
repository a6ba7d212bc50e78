"""Every table the pages show goes through `data_table`: `st.dataframe` with the house's
display rules, so a page cannot forget one.

- A date column reads as a date. Streamlit 1.67 draws an Arrow date32 column as a datetime
  ("2026-12-04 00:00:00"), so each polars Date column gets a DateColumn with the date format,
  unless the page configured that column itself."""

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

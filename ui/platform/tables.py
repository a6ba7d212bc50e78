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

from ui.platform.i18n import t

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


TABLE_PAGE_ROWS = 500  # rows a page's table shows at a time (every row reachable page by page)


def page_range(total: int, *, key: str, rows: int = TABLE_PAGE_ROWS) -> tuple[int, int]:
    """(offset, length) of the page of a `total`-row table the user picked, with "共 N 条" and
    a page box when it needs more than one page: a province's tens of thousands of rows are
    neither drawn nor styled at once (Streamlit's styler refuses 262,144 cells), and none is
    dropped: the user pages to any of them."""
    count = t("core.table.total_rows", n=f"{total:,}")
    pages = max(1, -(-total // rows))
    if pages == 1:
        st.caption(count)
        return 0, total
    box, line = st.columns([1, 3], vertical_alignment="bottom")
    page = int(box.number_input(t("core.table.page", pages=f"{pages:,}"), min_value=1,
                                max_value=pages, value=1, step=1, key=key))
    first, last = (page - 1) * rows + 1, min(page * rows, total)
    line.caption(count + t("core.table.page_rows", first=f"{first:,}", last=f"{last:,}"))
    return (page - 1) * rows, rows


def page_of(frame: pl.DataFrame, *, key: str, rows: int = TABLE_PAGE_ROWS) -> pl.DataFrame:
    """The page of `frame` the user picked (see `page_range`)."""
    offset, length = page_range(frame.height, key=key, rows=rows)
    return frame.slice(offset, length)

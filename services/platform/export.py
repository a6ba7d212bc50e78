"""Excel export of frames, safe to open: cells that a spreadsheet would read as a formula
(=, +, -, @, tab, CR) are prefixed with an apostrophe-like quote so they stay text."""

from __future__ import annotations

import io

import polars as pl

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formulas(df: pl.DataFrame) -> pl.DataFrame:
    string_cols = [c for c, dt in df.schema.items() if dt == pl.String]
    if not string_cols:
        return df
    return df.with_columns(
        pl.when(pl.any_horizontal([pl.col(c).str.starts_with(p) for p in FORMULA_PREFIXES]))
        .then(pl.lit("'") + pl.col(c))
        .otherwise(pl.col(c))
        .alias(c)
        for c in string_cols
    )


def to_xlsx(frames: dict[str, pl.DataFrame]) -> bytes:
    """One sheet per frame; datetimes without zone (Excel has none)."""
    buf = io.BytesIO()
    import xlsxwriter

    with xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False}) as wb:
        for sheet, df in frames.items():
            df = neutralise_formulas(df).with_columns(
                pl.col(c).dt.replace_time_zone(None)
                for c, dt in df.schema.items() if isinstance(dt, pl.Datetime) and dt.time_zone
            )
            df.write_excel(wb, worksheet=sheet[:31], autofit=True)
    return buf.getvalue()

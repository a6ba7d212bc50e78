"""Row-level errors: one frame shape for every stage of the upload pipeline.

An error is (row, field, value, key, params): `row` is the row number as the user sees it in
Excel (header row = 1, first data row = 2; None for a file- or column-level problem), `field`
the upload column's field name (None for the whole file), `value` the offending cell (cut to
`VALUE_PREVIEW` characters), `key` an i18n message key and `params` its parameters as JSON.
`render_errors` turns them into the table a user reads, in their language."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field

import polars as pl

from core.errors import AppError
from i18n import translate

VALUE_PREVIEW = 60

ERROR_SCHEMA: dict[str, pl.DataType] = {
    "row": pl.Int64, "field": pl.String, "value": pl.String, "key": pl.String,
    "params": pl.String,
}


class UploadError(AppError):
    """The file as a whole is refused (wrong format, empty, too big, ...)."""


@dataclass
class ErrorList:
    """Collects error frames from the stages; `frame()` gives them sorted by row."""

    parts: list[pl.DataFrame] = field(default_factory=list)

    def add(self, frame: pl.DataFrame) -> None:
        if frame.height:
            self.parts.append(frame.select(list(ERROR_SCHEMA)).cast(ERROR_SCHEMA))

    def add_one(self, key: str, *, row: int | None = None, field_name: str | None = None,
                value: object = None, params: Mapping[str, object] | None = None) -> None:
        self.add(one_error(key, row=row, field_name=field_name, value=value, params=params))

    def __bool__(self) -> bool:
        return any(p.height for p in self.parts)

    def frame(self) -> pl.DataFrame:
        if not self.parts:
            return empty_errors()
        # One message per cell: the first check that failed it (e.g. a malformed code is
        # not also reported as missing from the database).
        frame = pl.concat(self.parts).unique(maintain_order=True)
        cells = frame.filter(pl.col("row").is_not_null()).unique(
            subset=["row", "field"], keep="first", maintain_order=True)
        return pl.concat([frame.filter(pl.col("row").is_null()), cells]).sort(
            "row", nulls_last=False, maintain_order=True)


def empty_errors() -> pl.DataFrame:
    return pl.DataFrame(schema=ERROR_SCHEMA)


def one_error(key: str, *, row: int | None = None, field_name: str | None = None,
              value: object = None, params: Mapping[str, object] | None = None) -> pl.DataFrame:
    return pl.DataFrame(
        [(row, field_name, None if value is None else str(value)[:VALUE_PREVIEW], key,
          json.dumps(dict(params or {}), ensure_ascii=False, default=str))],
        schema=ERROR_SCHEMA, orient="row",
    )


def errors_where(frame: pl.DataFrame, mask: pl.Expr, *, field_name: str, key: str,
                 value: pl.Expr | None = None, params: Mapping[str, object] | None = None,
                 ) -> pl.DataFrame:
    """One error per row of `frame` (which has `_row`) where `mask` holds (vectorised)."""
    value = pl.col(field_name) if value is None else value
    return frame.filter(mask.fill_null(False)).select(
        pl.col("_row").cast(pl.Int64).alias("row"),
        pl.lit(field_name, dtype=pl.String).alias("field"),
        value.cast(pl.String).str.slice(0, VALUE_PREVIEW).alias("value"),
        pl.lit(key, dtype=pl.String).alias("key"),
        pl.lit(json.dumps(dict(params or {}), ensure_ascii=False, default=str),
               dtype=pl.String).alias("params"),
    )


def _message(key: str, params: str | None, lang: str, value: str | None = None) -> str:
    try:  # {value} in a message is the offending cell
        return translate(key, lang, **{"value": "—" if value is None else value,
                                       **json.loads(params or "{}")})
    except (KeyError, IndexError, ValueError):  # a message whose parameters went missing
        return translate(key, lang).split("{")[0].strip() or key


def render_errors(errors: pl.DataFrame, headers: Mapping[str, str], lang: str,
                  limit: int | None = None) -> pl.DataFrame:
    """The table a user reads: row, column (Chinese header), value, message in `lang`."""
    rows = errors.head(limit) if limit is not None else errors
    messages = [_message(k, p, lang, v)
                for k, p, v in zip(rows["key"], rows["params"], rows["value"], strict=True)]
    return pl.DataFrame(
        {
            translate("ingest.err_col_row", lang): rows["row"],
            translate("ingest.err_col_column", lang): [
                headers.get(f, f) if f else "" for f in rows["field"].to_list()],
            translate("ingest.err_col_value", lang): rows["value"],
            translate("ingest.err_col_message", lang): pl.Series(messages, dtype=pl.String),
        }
    )

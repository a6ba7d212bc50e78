"""Header mapping and the vectorised row-level checks of a kind's declaration.

`map_headers` renames the file's headers (Chinese, English or an alias) to field names and
reports unknown, repeated and missing required columns. `check_rows` types every column and
reports each failing cell: required, type, allowed values, pattern, length, range, natural
key unique within the file, and the kind's cross-field checks. Everything is polars
expressions over whole columns, so 100,000 rows take a fraction of a second; the kind's
great-expectations suite (`data_checks.suites`) then runs the declared expectations."""

from __future__ import annotations

import re

import polars as pl

from data_checks.cells import drop_examples, plausible_date, time_of_day
from data_checks.errors import ErrorList, errors_where
from data_checks.kinds import FALSE_WORDS, TRUE_WORDS, Column, UploadKind

DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y年%m月%d日", "%Y%m%d",
                "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f")
LIST_SEPARATORS = r"[,，、;；]"
MONEY_TEXT = r"^\d{1,12}(?:\.\d{1,2})?$"


def _norm(header: str) -> str:
    return re.sub(r"[\s*＊]", "", header).lower()


def map_headers(frame: pl.DataFrame, kind: UploadKind) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(frame with field names and every declared column present, file-level errors)."""
    errors = ErrorList()
    lookup: dict[str, str] = {}
    for col in kind.columns:
        for name in col.names():
            lookup.setdefault(_norm(name), col.field)
    renames: dict[str, str] = {}
    for header in frame.columns:
        if header == "_row":
            continue
        target = lookup.get(_norm(header))
        if target is None:
            errors.add_one("ingest.err_unknown_column", value=header, params={"header": header})
        elif target in renames.values():
            errors.add_one("ingest.err_repeated_column", field_name=target, value=header,
                           params={"header": header})
        else:
            renames[header] = target
    for col in kind.columns:
        if col.required and col.field not in renames.values():
            errors.add_one("ingest.err_missing_column", field_name=col.field,
                           params={"header": col.zh})
    mapped = frame.select(
        "_row", *(pl.col(h).alias(f) for h, f in renames.items())
    ).with_columns(
        pl.lit(None, dtype=pl.String).alias(c.field) for c in kind.columns
        if c.field not in renames.values()
    )
    # the template's example row (marked in its first cell) is never imported
    mapped = drop_examples(mapped, kind.columns[0].field)
    return mapped.select("_row", *(c.field for c in kind.columns)), errors.frame()


def _choice_map(col: Column) -> dict[str, str]:
    out: dict[str, str] = {}
    for value, spellings in (col.choices or {}).items():
        for s in (value, *spellings):
            out.setdefault(s.strip().lower(), value)
    return out


def allowed_text(col: Column) -> str:
    return "、".join(f"{col.choice_label(v, 'zh_CN')}({col.choice_label(v, 'en')})"
                    if col.choice_label(v, "zh_CN") != col.choice_label(v, "en")
                    else v for v in (col.choices or {}))


def _typed(col: Column) -> pl.Expr:
    """Typed value of the column; null where the text does not convert."""
    c = pl.col(col.field)
    if col.type == "int":
        num = c.str.replace_all(",", "").cast(pl.Float64, strict=False)
        return pl.when(num == num.floor()).then(num).otherwise(None).cast(pl.Int64, strict=False)
    if col.type == "float":
        return c.str.replace_all(",", "").cast(pl.Float64, strict=False)
    if col.type == "money":
        # exact yuan: digits with at most two decimals (a third decimal is refused, never
        # rounded or truncated), as pl.Decimal(14, 2)
        text = c.str.replace_all(",", "").str.strip_chars()
        return (pl.when(text.str.contains(MONEY_TEXT)).then(text)
                .cast(pl.Decimal(14, 2), strict=False))
    if col.type == "bool":
        low = c.str.to_lowercase()
        return (pl.when(low.is_in(list(TRUE_WORDS))).then(pl.lit(True))
                .when(low.is_in(list(FALSE_WORDS))).then(pl.lit(False))
                .otherwise(pl.lit(None, dtype=pl.Boolean)))
    if col.type == "date":
        return plausible_date(pl.coalesce(
            [c.str.strptime(pl.Date, f, strict=False) for f in DATE_FORMATS[:5]]
            + [c.str.strptime(pl.Datetime, f, strict=False).dt.date() for f in DATE_FORMATS[5:]]))
    if col.type == "time":
        return time_of_day(c)
    if col.type == "list":
        mapping = _choice_map(col)
        parts = c.str.replace_all(LIST_SEPARATORS, ",").str.split(",")
        items = parts.list.eval(pl.element().str.strip_chars().str.to_lowercase()
                                .filter(pl.element().str.len_chars() > 0))
        if not mapping:
            return items
        return items.list.eval(pl.element().replace_strict(mapping, default=None,
                                                           return_dtype=pl.String))
    if col.choices:
        return c.str.to_lowercase().replace_strict(_choice_map(col), default=None,
                                                   return_dtype=pl.String)
    return c


_TYPE_ERROR = {"int": "ingest.err_int", "float": "ingest.err_number", "money": "ingest.err_money",
               "bool": "ingest.err_bool",
               "date": "ingest.err_date", "time": "ingest.err_time"}


def check_rows(frame: pl.DataFrame, kind: UploadKind) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(typed frame, row-level errors). Input: `map_headers` output (text columns)."""
    errors = ErrorList()
    typed = frame.with_columns(_typed(c).alias(f"__t_{c.field}") for c in kind.columns)
    for col in kind.columns:
        raw, val = pl.col(col.field), pl.col(f"__t_{col.field}")
        if col.required:
            errors.add(errors_where(typed, raw.is_null(), field_name=col.field,
                                    key="ingest.err_required"))
        if col.type in _TYPE_ERROR:
            errors.add(errors_where(typed, raw.is_not_null() & val.is_null(), field_name=col.field,
                                    key=_TYPE_ERROR[col.type]))
        if col.type == "list" and col.choices:
            errors.add(errors_where(
                typed, raw.is_not_null() & (val.list.eval(pl.element().is_null()).list.any()
                                            | (val.list.len() == 0)),
                field_name=col.field, key="ingest.err_choice", params={"allowed": allowed_text(col)}))
        elif col.choices:
            errors.add(errors_where(typed, raw.is_not_null() & val.is_null(), field_name=col.field,
                                    key="ingest.err_choice", params={"allowed": allowed_text(col)}))
        if col.type == "text":
            errors.add(errors_where(typed, raw.str.len_chars() > col.max_length,
                                    field_name=col.field, key="ingest.err_too_long",
                                    params={"limit": col.max_length}))
            if col.pattern:
                errors.add(errors_where(
                    typed, raw.is_not_null() & ~raw.str.contains(f"^(?:{col.pattern})$"),
                    field_name=col.field, key="ingest.err_pattern",
                    params={"example": col.example}))
        if col.min_value is not None:
            errors.add(errors_where(typed, val < col.min_value, field_name=col.field,
                                    key="ingest.err_below", params={"min": col.min_value}))
        if col.max_value is not None:
            errors.add(errors_where(typed, val > col.max_value, field_name=col.field,
                                    key="ingest.err_above", params={"max": col.max_value}))
    # Typed values replace the text; optional empty cells take the declared default.
    typed = typed.select(
        "_row",
        *(pl.col(f"__t_{c.field}").fill_null(pl.lit(c.default)).alias(c.field)
          if c.default is not None and c.type != "list"
          else pl.col(f"__t_{c.field}").alias(c.field) for c in kind.columns),
    )
    # Natural key unique within the file, on the file's own columns, after defaults (an empty
    # optional key part, e.g. a step's pass number, counts as its default; rows with a missing
    # required key part are already errors).
    keys = list(file_key(kind))
    typed = typed.with_columns(pl.col("_row").min().over(keys).alias("__first_row"))
    dup = typed.filter(pl.all_horizontal(pl.col(k).is_not_null() for k in keys)
                       & (pl.col("_row") != pl.col("__first_row")))
    errors.add(dup.select(
        pl.col("_row").alias("row"), pl.lit(keys[0]).alias("field"),
        pl.concat_str([pl.col(k).cast(pl.String) for k in keys], separator="/").alias("value"),
        pl.lit("ingest.err_duplicate_key").alias("key"),
        (pl.lit('{"first": ') + pl.col("__first_row").cast(pl.String) + pl.lit("}")).alias("params")))
    typed = typed.drop("__first_row")
    for check in kind.checks:
        errors.add(run_cross_check(typed, check))
    return typed, errors.frame()


def file_key(kind: UploadKind) -> tuple[str, ...]:
    """The natural key as the file spells it: a part the pipeline resolves later through a
    reference (a power's id from its code, a case's id from its number) is replaced by the
    reference's own column, so rows of several parents in one file are told apart before
    any id is known, and a repeat is reported on the column the user typed."""
    resolved = {dst: ref.field for ref in kind.references for dst in ref.fetch.values()
                if dst in kind.natural_key}
    return tuple(dict.fromkeys(resolved.get(k, k) for k in kind.natural_key))


def run_cross_check(frame: pl.DataFrame, check) -> pl.DataFrame:  # noqa: ANN001
    return errors_where(frame, check.fail, field_name=check.field, key=check.message_key,
                        params=check.params)


def write_values(frame: pl.DataFrame, kind: UploadKind) -> pl.DataFrame:
    """List columns become the stored comma-separated text, in the declared choice order."""
    lists = [c for c in kind.columns if c.type == "list"]
    return frame.with_columns(
        pl.concat_str([pl.when(pl.col(c.field).list.contains(pl.lit(v))).then(pl.lit(v))
                       for v in (c.choices or {})], separator=",", ignore_nulls=True)
        .alias(c.field) for c in lists
    )

"""great-expectations suites, one per upload kind, built from the kind's declaration.

great-expectations is imported lazily (the import costs seconds) with analytics and progress
bars off. It has no polars engine, so the typed frame is handed over as pandas. The suite runs
the declared expectations (required, allowed values, pattern, length, range, natural key
unique, the set of columns) on a frame the vectorised pre-checks of `data_checks.checks`
already passed; those pre-checks give the row-level detail cheaply, and a failing expectation
they did not catch is still reported, with the rows great-expectations names."""

from __future__ import annotations

import json
import os
import threading
from functools import lru_cache
from typing import Any

import polars as pl

from data_checks.checks import file_key
from data_checks.errors import ERROR_SCHEMA, VALUE_PREVIEW, empty_errors
from data_checks.kinds import UploadKind

os.environ.setdefault("GX_ANALYTICS_ENABLED", "False")
os.environ.setdefault("GE_USAGE_STATISTICS_URL", "")
# One great-expectations context serves every thread of the server; neither registering a
# kind's suite (two first uploads at once: "Store already has the following key") nor a
# validation on that shared context is thread-safe, so both run one at a time.
_GX_LOCK = threading.RLock()


@lru_cache(maxsize=1)
def _gx() -> Any:
    os.environ["GX_ANALYTICS_ENABLED"] = "False"
    import great_expectations as gx

    return gx


@lru_cache(maxsize=1)
def _context() -> Any:
    gx = _gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    return context


def build_suite(kind: UploadKind) -> Any:
    """The kind's ExpectationSuite (not yet added to a context)."""
    gx = _gx()
    gxe = gx.expectations
    suite = gx.ExpectationSuite(name=f"upload_{kind.key}")
    suite.add_expectation(gxe.ExpectTableColumnsToMatchSet(
        column_set=["_row", *(c.field for c in kind.columns)], exact_match=True))
    for col in kind.columns:
        if col.required:
            suite.add_expectation(gxe.ExpectColumnValuesToNotBeNull(column=col.field))
        if col.choices and col.type != "list":
            suite.add_expectation(gxe.ExpectColumnValuesToBeInSet(
                column=col.field, value_set=list(col.choices)))
        if col.type == "text":
            suite.add_expectation(gxe.ExpectColumnValueLengthsToBeBetween(
                column=col.field, max_value=col.max_length))
            if col.pattern:
                suite.add_expectation(gxe.ExpectColumnValuesToMatchRegex(
                    column=col.field, regex=f"^(?:{col.pattern})$"))
        if col.min_value is not None or col.max_value is not None:
            suite.add_expectation(gxe.ExpectColumnValuesToBeBetween(
                column=col.field, min_value=col.min_value, max_value=col.max_value))
    key = file_key(kind)  # as the file spells it: ids resolved later are still empty here
    if len(key) == 1:
        suite.add_expectation(gxe.ExpectColumnValuesToBeUnique(column=key[0]))
    else:
        suite.add_expectation(gxe.ExpectCompoundColumnsToBeUnique(column_list=list(key)))
    return suite


@lru_cache(maxsize=64)
def _registered(kind_key: str) -> tuple[Any, Any]:
    from data_checks.kinds import get_kind

    context = _context()
    kind = get_kind(kind_key)
    suite = context.suites.add(build_suite(kind))
    source = context.data_sources.add_pandas(f"upload_{kind_key}")
    batch_def = source.add_dataframe_asset(f"upload_{kind_key}").add_batch_definition_whole_dataframe("all")
    return suite, batch_def


def _pandas(frame: pl.DataFrame, kind: UploadKind) -> Any:
    """List columns as their text, money as float, everything else as pandas objects GE
    understands."""
    lists = [c.field for c in kind.columns if c.type == "list"]
    frame = frame.with_columns(pl.col(c).list.join(",") for c in lists)
    # money as float for GE's ranges (a Decimal compares exactly with the float bound, so
    # 0.01 < 0.01); the exact check already ran in data_checks.checks
    money = [c.field for c in kind.columns if c.type == "money"]
    return frame.with_columns(pl.col(c).cast(pl.Float64) for c in money).to_pandas()


def run_suite(frame: pl.DataFrame, kind: UploadKind) -> pl.DataFrame:
    """Validate the typed frame; errors for every failed expectation (rows as GE reports)."""
    data = _pandas(frame, kind)
    with _GX_LOCK:
        suite, batch_def = _registered(kind.key)
        batch = batch_def.get_batch(batch_parameters={"dataframe": data})
        result = batch.validate(suite, result_format={
            "result_format": "SUMMARY", "unexpected_index_column_names": ["_row"],
            "partial_unexpected_count": 20})
    rows: list[tuple] = []
    for res in result.results:
        if res.success:
            continue
        cfg = res.expectation_config
        column = cfg.kwargs.get("column") or (cfg.kwargs.get("column_list") or [None])[0]
        params = json.dumps({"expectation": cfg.type}, ensure_ascii=False)
        indexed = (res.result or {}).get("partial_unexpected_index_list") or [{}]
        for item in indexed:
            value = item.get(column) if column else None
            rows.append((int(item["_row"]) if item.get("_row") is not None else None, column,
                         None if value is None else str(value)[:VALUE_PREVIEW],
                         "ingest.err_suite", params))
    if not rows:
        return empty_errors()
    return pl.DataFrame(rows, schema=ERROR_SCHEMA, orient="row")


def preload() -> None:
    """Import great-expectations and build its context now (tests, app warm-up)."""
    with _GX_LOCK:
        _context()

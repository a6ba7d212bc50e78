"""Which version of a versioned row (a power) was in force on a day. A version is in force from the day it was
published (valid_from) until the day a later version of its code was published or the code
abolished (valid_until, exclusive; null: still in force); a draft (no valid_from) never is.
On a day of change the new version holds the whole day. Pure: frames in, frames out."""

from __future__ import annotations

import polars as pl


def in_force_on(candidates: pl.DataFrame, *, row: str, on: str, valid_from: str,
                valid_until: str) -> pl.DataFrame:
    """One row per `row` of `candidates` (each row of an upload joined to every version of its
    code, dates as pl.Date): the version in force on the row's date `on` — the latest
    published one whose validity holds it — with `in_force` True; a row none of whose
    versions was in force keeps one of them with `in_force` False (the caller reports it)."""
    holds = ((pl.col(valid_from) <= pl.col(on))
             & (pl.col(valid_until).is_null() | (pl.col(valid_until) > pl.col(on)))).fill_null(False)
    return (candidates.with_columns(holds.alias("in_force"))
            .sort([row, "in_force", valid_from], descending=[False, True, True], nulls_last=True)
            .unique(subset=[row], keep="first", maintain_order=True))

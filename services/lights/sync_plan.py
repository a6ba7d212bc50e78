"""The alert sync's plan, computed in polars: this run's alerts against the stored ones, one
`action` per (rule, subject) key (see services.lights.sync for the lifecycle it implements).
Pure: frames in, frames out."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import asdict, dataclass

import polars as pl

from core.statuses import WATCHED
from metrics.lights.registry import ALERT_SCHEMA, Rule

KEY = ["rule_id", "subject_type", "subject_id"]
WORKING = WATCHED  # condition still watched
FINAL = ("closed", "dismissed")
CURRENT_SCHEMA: dict[str, pl.DataType] = {
    **ALERT_SCHEMA, "facts_hash": pl.String(), "rule_version": pl.Int64(),
}


@dataclass(frozen=True)
class SyncResult:
    rules: int = 0
    new: int = 0
    updated: int = 0
    reopened: int = 0
    cleared: int = 0
    refreshed: int = 0
    unchanged: int = 0
    escalated: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> int:
        return self.new + self.updated + self.reopened + self.cleared + self.refreshed

    def as_dict(self) -> dict:
        return asdict(self)


def _sha256(texts: Iterable[str]) -> list[str]:
    return [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]


def with_material_hash(rule: Rule, alerts: pl.DataFrame) -> pl.DataFrame:
    """Add `facts_hash` (sha256 of the facts without the rule's volatile keys) and
    `rule_version`."""
    material = alerts["facts"]
    if rule.volatile and alerts.height:
        decoded = alerts["facts"].str.json_decode(infer_schema_length=None).to_frame("facts")
        keep = [f.name for f in decoded.schema["facts"].fields if f.name not in rule.volatile]
        material = decoded.select(
            pl.struct([pl.col("facts").struct.field(k) for k in keep]).struct.json_encode()
        ).to_series()
    return alerts.with_columns(
        pl.Series("facts_hash", _sha256(material.to_list()), dtype=pl.String),
        pl.lit(rule.version, dtype=pl.Int64).alias("rule_version"),
    )


def action_counts(plan: pl.DataFrame) -> dict[str, int]:
    """How many keys of `plan` take each action."""
    return dict(plan.group_by("action").len().iter_rows())


def plan_sync(current: pl.DataFrame, existing: pl.DataFrame) -> pl.DataFrame:
    """Compare this run's alerts with the stored ones; one row per key with an `action`
    (new / updated / reopened / cleared / refreshed / unchanged) and the new values."""
    cur = current.with_columns(pl.lit(True).alias("_fired"))
    ex = existing.rename({c: f"{c}_old" for c in existing.columns if c not in KEY})
    m = cur.join(ex, on=KEY, how="full", coalesce=True)
    fired = pl.col("_fired").fill_null(False)
    stored = pl.col("id_old").is_not_null()
    material = (
        (pl.col("facts_hash") != pl.col("facts_hash_old"))
        | (pl.col("rule_version") != pl.col("rule_version_old"))
        | (pl.col("level") != pl.col("level_old"))
    )
    quiet = (
        (pl.col("facts") != pl.col("facts_old"))
        | pl.col("department_id").ne_missing(pl.col("department_id_old"))
        | pl.col("region_code").ne_missing(pl.col("region_code_old"))
    )
    status = pl.col("status_old")
    action = (
        pl.when(fired & ~stored).then(pl.lit("new"))
        .when(fired & (status == "cleared")).then(pl.lit("reopened"))
        .when(fired & status.is_in(FINAL) & material).then(pl.lit("reopened"))
        .when(fired & status.is_in(WORKING) & material).then(pl.lit("updated"))
        .when(fired & status.is_in(WORKING) & quiet).then(pl.lit("refreshed"))
        .when(~fired & status.is_in(WORKING) & ~pl.col("covered_old").fill_null(False))
        .then(pl.lit("cleared"))
        .otherwise(pl.lit("unchanged"))
    )
    return m.with_columns(action.alias("action"))

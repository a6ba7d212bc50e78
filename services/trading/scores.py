"""S2's figures for the performance system (S3): `SCORE_METRICS` (core.manifest.ScoreMetric).

Processes whose documents were issued in the period [start, end] (China dates, inclusive),
whole province, per buyer department: the share with a red light that was not dismissed as a
false positive or cleared by itself (numerator) among all of them (denominator). `records`
lists one department's processes with their red rules and a link to the process page."""

from __future__ import annotations

from datetime import date

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.manifest import ScoreMetric
from core.statuses import AlertStatus
from metrics.trading.rules_law import china_date
from models.lights import Alert
from services.platform.frames import read_frame
from services.platform.scope import Scope
from services.trading import read

M = "services.trading.scores"
NOT_COUNTED = (AlertStatus.dismissed.value, AlertStatus.cleared.value)


def _processes(session: Session, start: date, end: date, department_id: int | None) -> pl.DataFrame:
    scope = None if department_id is None else Scope(region_codes=None, department_id=department_id)
    procs = read.processes(session.connection(), scope)
    day = china_date("tender_start", "start_on")
    procs = procs.with_columns(day).filter(pl.col("start_on").is_between(start, end))
    stmt = (select(Alert.subject_id, Alert.rule_id).where(
        Alert.system == "S2", Alert.level == "red", Alert.subject_type == "trading_process",
        Alert.status.not_in(NOT_COUNTED)))
    reds = (read_frame(session.connection(), stmt, {"ocid": pl.String(), "rule_id": pl.String()})
            .group_by("ocid").agg(pl.col("rule_id").unique().sort().str.join(" ").alias("red_rules")))
    return procs.join(reds, on="ocid", how="left")


def red_rate_compute(*, session: Session, start: date, end: date) -> pl.DataFrame:
    procs = _processes(session, start, end, None)
    return (procs.group_by("department_id")
            .agg(pl.col("red_rules").is_not_null().sum().cast(pl.Float64).alias("numerator"),
                 pl.len().cast(pl.Float64).alias("denominator"))
            .select(pl.col("department_id").cast(pl.Int64),
                    (pl.col("numerator") / pl.col("denominator")).alias("value"),
                    "numerator", "denominator")
            .sort("department_id"))


def records(*, session: Session, department_id: int, start: date, end: date) -> pl.DataFrame:
    procs = _processes(session, start, end, department_id)
    return (procs.select("ocid", "title", "domain", "method_details", "start_on", "status",
                         pl.col("red_rules").fill_null(""),
                         (pl.lit("trading_process?ocid=") + pl.col("ocid")).alias("link"))
            .sort("start_on", "ocid"))


SCORE_METRICS: tuple[ScoreMetric, ...] = (
    ScoreMetric("trading.red_rate", "trading", "trading.score.red_rate",
                "trading.score.red_rate_def", "rate", False, f"{M}:red_rate_compute",
                f"{M}:records"),
)

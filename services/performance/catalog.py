"""The score metrics every system declares in the manifest (`score_metrics=`), by key, and the
error type of the performance system. A new system adds metrics through the manifest: nothing
here names a system."""

from __future__ import annotations

from core.errors import AppError
from core.manifest import ScoreMetric, resolve


class PerformanceError(AppError):
    """A refused action of S3 (i18n key under `performance.`)."""


def score_metrics() -> dict[str, ScoreMetric]:
    from systems import SYSTEMS  # the manifest (imports nothing heavy)

    out: dict[str, ScoreMetric] = {}
    for system in SYSTEMS:
        if system.score_metrics:
            for metric in resolve(system.score_metrics).SCORE_METRICS:
                out[metric.key] = metric
    return out

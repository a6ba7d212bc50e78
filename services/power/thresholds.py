"""The risk-level thresholds an admin sets (rule_id "PW-LEVEL": high_min, medium_min): read by
the risk register, the publish check and the power rules, so they sit apart from all three."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlmodel import Session

from metrics.power.risk import DEFAULT_HIGH_MIN, DEFAULT_MEDIUM_MIN
from models.rules import RuleSetting

LEVEL_RULE_ID = "PW-LEVEL"


def level_thresholds(*, session: Session) -> tuple[int, int]:
    """(high_min, medium_min) as set by an admin, or the defaults."""
    stmt = select(RuleSetting.param, RuleSetting.value).where(RuleSetting.rule_id == LEVEL_RULE_ID)
    rows = dict(session.execute(stmt).all())
    return (int(json.loads(rows.get("high_min", str(DEFAULT_HIGH_MIN)))),
            int(json.loads(rows.get("medium_min", str(DEFAULT_MEDIUM_MIN)))))

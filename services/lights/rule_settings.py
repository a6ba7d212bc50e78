"""Rule parameters: defaults declared by each rule, overridden by `rule_setting` rows that an
admin changes (audited). The next alert sync reads them.

Depends only on the rule registry and the table, never on the rule-input loaders, so any
loader or page may read the parameters without an import loop."""

from __future__ import annotations

import json
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.errors import AppError
from metrics.lights.registry import RULES, Param, Rule
from models.base import utcnow
from models.rules import RuleSetting
from services.platform import audit


class RuleSettingError(AppError):
    """A rejected parameter change; `key` names the i18n message."""


def stored_settings(*, session: Session) -> dict[str, dict[str, Any]]:
    """{rule_id: {param: value}} of every stored override."""
    rows = session.execute(
        select(RuleSetting.rule_id, RuleSetting.param, RuleSetting.value)).all()
    out: dict[str, dict[str, Any]] = {}
    for rule_id, param, value in rows:
        out.setdefault(rule_id, {})[param] = json.loads(value)
    return out


def effective_params(rule: Rule, stored: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """The rule's defaults overridden by stored values for parameters it still declares."""
    declared = {p.name for p in rule.params}
    overrides = {k: v for k, v in stored.get(rule.id, {}).items() if k in declared}
    return rule.defaults() | overrides


def settings_frame(*, session: Session) -> pl.DataFrame:
    """One row per rule parameter: default, effective value, who changed it and when."""
    rows = {(r.rule_id, r.param): r for r in session.execute(select(RuleSetting)).scalars()}
    records = []
    for rule in sorted(RULES.values(), key=lambda r: r.id):
        for p in rule.params:
            stored = rows.get((rule.id, p.name))
            records.append((rule.id, p.name, p.label_key, json.dumps(p.default),
                            stored.value if stored else json.dumps(p.default),
                            stored.updated_by if stored else None,
                            stored.updated_at if stored else None))
    return pl.DataFrame(
        records, orient="row",
        schema={"rule_id": pl.String, "param": pl.String, "label_key": pl.String,
                "default": pl.String, "value": pl.String, "updated_by": pl.String,
                "updated_at": pl.Datetime("us", "UTC")},
    )


def _coerce(p: Param, raw: Any) -> int | float | str:
    if isinstance(p.default, bool) or not isinstance(p.default, int | float):
        value: Any = str(raw).strip()
        if not value:
            raise RuleSettingError("lights.settings.err_empty")
        return value
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise RuleSettingError("lights.settings.err_number") from None
    if isinstance(p.default, int):
        if value != int(value):
            raise RuleSettingError("lights.settings.err_integer")
        value = int(value)
    if (p.min is not None and value < p.min) or (p.max is not None and value > p.max):
        raise RuleSettingError("lights.settings.err_range", min=p.min, max=p.max)
    return value


def update_param(*, session: Session, actor: str, rule_id: str, param: str, value: Any) -> Any:
    """Set one parameter (validated against its declaration); returns the stored value."""
    rule = RULES.get(rule_id)
    declared = {p.name: p for p in rule.params} if rule else {}
    if param not in declared:
        raise RuleSettingError("lights.settings.err_unknown", rule=rule_id, param=param)
    new = _coerce(declared[param], value)
    row = session.get(RuleSetting, (rule_id, param))
    before = json.loads(row.value) if row else declared[param].default
    if before == new:
        return new
    if row is None:
        row = RuleSetting(rule_id=rule_id, param=param, value=json.dumps(new),
                          updated_by=actor, updated_at=utcnow())
    else:
        row.value, row.updated_by, row.updated_at = json.dumps(new), actor, utcnow()
    session.add(row)
    audit.record(session, actor=actor, action="rules.param_update", entity_type="rule_setting",
                 entity_id=f"{rule_id}.{param}", before={"value": before}, after={"value": new})
    session.flush()
    return new

"""The light-rule registry: every red/yellow rule declared once.

A rule is a pure function `fn(frames, params) -> DataFrame` over named input frames (loaded by
`services`) and its parameters. It returns one row per subject that breaks the rule, with the
columns of SUBJECT_SCHEMA; `evaluate` adds the rule's id, level and system."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

import polars as pl

Level = Literal["red", "yellow"]
# What a rule's result depends on (issue 12, the partition contract every rule follows):
# - "department": the alerts of department d depend only on input rows of department d, and
#   each alert's `department_id` is that department; a partitioned sync reads, evaluates and
#   clears such a rule only inside the touched departments (alerts without a department are
#   left to a full sync);
# - "group": a population rule over groups of departments (AP-Y6: the departments handling
#   one power item); the rule's `group` names the resolver (services.lights.groups) that maps
#   the touched departments to the departments whose rows decide their groups and to the
#   subjects those groups decide; the rule is read for those departments and compared and
#   cleared for those subjects only;
# - "global": a population rule (fences or quartiles across departments or processes, rules
#   over rows without a department): recomputed whole whenever a partitioned sync runs.
Partition = Literal["department", "group", "global"]
# How the date alone moves a rule's lights (the daily sweep, issue 12; only a rule that reads a
# dated input is swept at all, services.lights.inputs):
# - "whole": the sweep re-runs it over the province (always correct);
# - "open": only the lights of subjects still open move with the date, each from its own rows
#   (a case's time limit runs while the case is open; a concluded case's days are fixed): the
#   sweep reads just the open rows of its inputs (loaders declared `open_rows`) and compares
#   the alerts of the subjects `open_subjects` names in them, and no other;
# - "never": the date-dependent columns of its inputs do not reach its result.
# "open" and "never" are promises the property test (tests/unit/test_lights_sweep.py) checks
# against a full sync on later days.
Sweep = Literal["whole", "open", "never"]

# What a rule function returns: one row per offending subject.
SUBJECT_SCHEMA: dict[str, pl.DataType] = {
    "subject_type": pl.String(),   # e.g. "risk_point", "approval_case", "fund"
    "subject_id": pl.String(),     # natural id of the subject, stable across syncs
    "department_id": pl.Int64(),   # department responsible (null when none)
    "region_code": pl.String(),    # 6-digit region of the subject
    "facts": pl.String(),          # JSON object: the inputs and thresholds it fired on
}
ALERT_SCHEMA: dict[str, pl.DataType] = {
    "rule_id": pl.String(), "system": pl.String(), "level": pl.String(), **SUBJECT_SCHEMA,
}

RuleFn = Callable[[Mapping[str, pl.DataFrame], Mapping[str, Any]], pl.DataFrame]


@dataclass(frozen=True)
class Param:
    name: str
    default: int | float | str
    label_key: str                 # i18n key of the parameter's label
    min: float | None = None
    max: float | None = None


@dataclass(frozen=True)
class Rule:
    id: str                        # e.g. "AP-R1"
    system: str                    # "S1" … "S5", or "LC" for the lights centre's own rules
    level: Level
    subject_type: str
    title_key: str                 # i18n keys: short title, definition, legal/method basis
    definition_key: str
    basis_key: str
    inputs: tuple[str, ...]        # names of the frames `fn` reads
    fn: RuleFn
    params: tuple[Param, ...] = field(default_factory=tuple)
    version: int = 1               # bump when the rule's logic changes (kept in the facts)
    # Facts keys that change without the finding changing (e.g. "days overdue" growing each
    # day): the alert's facts are refreshed, but a closed or dismissed alert does not reopen
    # and no history event is written for them. Prefer stable facts (a due date) instead.
    volatile: tuple[str, ...] = ()
    # Optional i18n key of a sentence stating the facts, formatted with the facts' keys
    # (e.g. "督办单{order_no}应于{due_date}办结"); without it the facts show as "key: value".
    facts_key: str | None = None
    # See `Partition`. "global" is always correct; "department" and "group" are promises the
    # property test (tests/unit/test_lights_partitions.py) checks against a full sync.
    partition: Partition = "global"
    group: str | None = None       # the resolver of a "group" rule (services.lights.groups)
    sweep: Sweep = "whole"         # see `Sweep`
    # with sweep="open": the subject ids (SUBJECT_SCHEMA's subject_id) of the open rows read
    open_subjects: Callable[[Mapping[str, pl.DataFrame]], pl.Series] | None = None

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}


RULES: dict[str, Rule] = {}


def register(rule: Rule) -> Rule:
    if rule.id in RULES and RULES[rule.id] is not rule:
        raise ValueError(f"rule {rule.id} registered twice")
    RULES[rule.id] = rule
    return rule


def empty_subjects() -> pl.DataFrame:
    return pl.DataFrame(schema=SUBJECT_SCHEMA)


def facts_json(*exprs: pl.Expr, **named: pl.Expr) -> pl.Expr:
    """A JSON object of the given columns/expressions, for the `facts` column."""
    return pl.struct(*exprs, **named).struct.json_encode().alias("facts")


def evaluate(rule: Rule, frames: Mapping[str, pl.DataFrame],
             params: Mapping[str, Any] | None = None) -> pl.DataFrame:
    """Run one rule with its defaults overridden by `params`; returns ALERT_SCHEMA rows."""
    merged = rule.defaults() | dict(params or {})
    out = rule.fn({name: frames[name] for name in rule.inputs}, merged)
    out = out.select(pl.col(c).cast(dt) for c, dt in SUBJECT_SCHEMA.items())
    return out.select(
        pl.lit(rule.id).alias("rule_id"), pl.lit(rule.system).alias("system"),
        pl.lit(rule.level).alias("level"), pl.all(),
    ).unique(subset=["subject_type", "subject_id"], keep="first", maintain_order=True)

"""Showing alerts and orders in the user's language: levels, statuses, rules, facts in words."""

from __future__ import annotations

import json
import string
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import polars as pl

from i18n import catalog, translate
from metrics.lights.registry import RULES
from models.lights import ALERT_STATUSES, ORDER_STATUSES
from ui.platform.formatting import CHINA_TZ
from ui.platform.i18n import current_language

# An export built on click runs outside the page's script run (no session state, so no
# user language): it names the language here.
_LANGUAGE: ContextVar[str | None] = ContextVar("lights_language", default=None)


def _lang() -> str:
    return _LANGUAGE.get() or current_language()


def t(key: str, /, **params: object) -> str:
    return translate(key, _lang(), **params)


@contextmanager
def language(lang: str) -> Iterator[None]:
    token = _LANGUAGE.set(lang)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)

# Lights are words in colour, never colour emoji (a Linux desktop without an emoji font
# shows those as blank boxes). Yellow is a dark amber so the word stays readable on white.
LEVEL_COLOUR = {"red": "#c5221f", "yellow": "#a05a00", "green": "#137333"}
LEVEL_TINT = {"red": "#fce8e6", "yellow": "#fef7e0", "green": "#e6f4ea"}
_MARKDOWN_COLOUR = {"red": "red", "yellow": "orange", "green": "green"}
SYSTEMS: tuple[str, ...] = ("S1", "S2", "S3", "S4", "S5", "LC")


def level_label(level: str) -> str:
    """The light's name (红灯 / 黄灯 / 绿灯): plain text for tables, exports and charts."""
    return t(f"lights.level.{level}") if level in LEVEL_COLOUR else level


def level_badge(level: str) -> str:
    """Markdown for st.markdown: the name on a coloured badge."""
    colour = _MARKDOWN_COLOUR.get(level)
    return f":{colour}-badge[{level_label(level)}]" if colour else level_label(level)


def level_text(level: str) -> str:
    """Markdown for widget labels (page links, expanders): the name in bold colour."""
    colour = _MARKDOWN_COLOUR.get(level)
    return f":{colour}[**{level_label(level)}**]" if colour else level_label(level)


def level_css(label: str) -> str:
    """CSS of a table cell holding a light's name (see `style_levels`)."""
    level = next((lv for lv in LEVEL_COLOUR if level_label(lv) == label), None)
    if level is None:
        return ""
    return f"color: {LEVEL_COLOUR[level]}; background-color: {LEVEL_TINT[level]}; font-weight: 600"


def style_levels(table: pl.DataFrame, column: str):  # noqa: ANN201 (a pandas Styler)
    """The table for st.dataframe with its light column coloured by level."""
    return table.to_pandas().style.map(level_css, subset=[column])


def status_label(status: str) -> str:
    return t(f"lights.status.{status}") if status in ALERT_STATUSES else status


def order_status_label(status: str) -> str:
    return t(f"lights.order_status.{status}") if status in ORDER_STATUSES else status


def system_label(system: str) -> str:
    return t(f"lights.system.{system}") if system in SYSTEMS else system


def rule_title(rule_id: str) -> str:
    rule = RULES.get(rule_id)
    return f"{rule_id} {t(rule.title_key)}" if rule else rule_id


def subject_label(subject_type: str, subject_id: str) -> str:
    full = f"lights.subject.{subject_type}"
    name = t(full) if full in catalog(_lang()) else subject_type
    return f"{name} {subject_id}"


def _fact_label(key: str) -> str:
    full = f"lights.fact.{key}"
    return t(full) if full in catalog(_lang()) else key


def facts_text(rule_id: str, facts: str | None) -> str:
    """The facts as a sentence (the rule's facts_key template) or as "label: value" pairs."""
    if not facts:
        return ""
    try:
        data = json.loads(facts)
    except ValueError:
        return facts
    if not isinstance(data, dict):
        return str(data)
    rule = RULES.get(rule_id)
    if rule and rule.facts_key:
        area = rule.facts_key.split(".")[0]
        data = {k: _coded_value(area, k, v) for k, v in data.items()}
        template = catalog(_lang()).get(rule.facts_key, "")
        fields = {name for _, name, _, _ in string.Formatter().parse(template) if name}
        if template and fields <= data.keys():
            return template.format(**{k: _fact_value(v) for k, v in data.items()})
    return "；".join(f"{_fact_label(k)}：{_fact_value(v)}" for k, v in data.items())


# facts that hold a stored code, and the section of the rule's own catalog area naming it
_CODED_FACTS = {"status": "status", "level": "risk_level"}


def _coded_value(area: str, key: str, value: object) -> object:
    """A status or risk level in the facts as its label ("processing" -> 办理中)."""
    section = _CODED_FACTS.get(key)
    if section is None or not isinstance(value, str):
        return value
    return catalog(_lang()).get(f"{area}.{section}.{value}", value)


def _fact_value(value: object) -> object:
    """A missing fact reads as a dash, never "None"; a date-time without its midnight."""
    if value is None or value == "":
        return "—"
    if isinstance(value, str) and value.endswith(" 00:00:00"):
        return value[:-9]
    return value


def dashes(frame: pl.DataFrame) -> pl.DataFrame:
    """Empty text cells as a dash: st.dataframe shows a null as the word "None"."""
    return frame.with_columns(pl.col(pl.String).fill_null("—"))


def _local(col: str) -> pl.Expr:
    return pl.col(col).dt.convert_time_zone(str(CHINA_TZ)).dt.strftime("%Y-%m-%d %H:%M")


def alerts_display(df: pl.DataFrame) -> pl.DataFrame:
    """The alert table as users read it (also what the Excel export holds)."""
    facts = [facts_text(r, f) for r, f in zip(df["rule_id"], df["facts"], strict=True)]
    rules = [rule_title(r) for r in df["rule_id"]]
    return dashes(df.select(
        pl.col("id").alias(t("lights.col.id")),
        pl.col("level").replace_strict({lv: level_label(lv) for lv in ("red", "yellow")},
                                       default=pl.col("level")).alias(t("lights.col.level")),
        pl.Series(t("lights.col.rule"), rules, dtype=pl.String),
        pl.col("status").replace_strict({s: status_label(s) for s in ALERT_STATUSES},
                                        default=pl.col("status")).alias(t("lights.col.status")),
        pl.col("region_name").alias(t("lights.col.region")),
        pl.col("department_name").alias(t("lights.col.department")),
        pl.Series(t("lights.col.facts"), facts, dtype=pl.String),
        _local("detected_at").alias(t("lights.col.detected")),
        _local("updated_at").alias(t("lights.col.updated")),
    ))


def orders_display(df: pl.DataFrame) -> pl.DataFrame:
    return dashes(df.select(
        pl.col("order_no").alias(t("lights.order.no")),
        pl.col("status").replace_strict({s: order_status_label(s) for s in ORDER_STATUSES},
                                        default=pl.col("status")).alias(t("lights.order.status")),
        pl.col("department_name").alias(t("lights.col.department")),
        pl.col("region_name").alias(t("lights.col.region")),
        pl.col("due_date").dt.strftime("%Y-%m-%d").alias(t("lights.order.due")),
        pl.col("escalation_level").alias(t("lights.order.escalation")),
        pl.col("alerts").alias(t("lights.order.alerts")),
        pl.col("issued_by_name").alias(t("lights.order.issued_by")),
        _local("issued_at").alias(t("lights.order.issued_at")),
        _local("answered_at").alias(t("lights.order.answered_at")),
    ))


# the platform's own actors (alert sync, background worker, daily sweep) read as 系统
_MACHINE_ACTORS = ("system", "worker", "sweep", "cli")


def history_display(df: pl.DataFrame) -> pl.DataFrame:
    actions = df["action"].unique().to_list()
    return df.select(
        _local("ts").alias(t("lights.hist.ts")),
        pl.col("actor_name").fill_null(pl.col("actor").replace_strict(
            dict.fromkeys(_MACHINE_ACTORS, t("audit.system_actor")), default=pl.col("actor"),
            return_dtype=pl.String))
        .alias(t("lights.hist.actor")),
        pl.col("action").replace_strict({a: t(f"lights.action.{a}") for a in actions},
                                        default=pl.col("action")).alias(t("lights.hist.action")),
        # a new alert has no status before: a dash, not "None"
        pl.col("from_status").replace_strict({s: status_label(s) for s in ALERT_STATUSES},
                                             default=pl.col("from_status"))
        .fill_null("—").alias(t("lights.hist.from")),
        pl.col("to_status").replace_strict({s: status_label(s) for s in ALERT_STATUSES},
                                           default=pl.col("to_status"))
        .fill_null("—").alias(t("lights.hist.to")),
        pl.col("note").fill_null("").alias(t("lights.hist.note")),
    )

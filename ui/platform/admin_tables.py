"""Display tables of the admin pages (audit log, users): columns renamed to the UI language,
times in Asia/Shanghai."""

from __future__ import annotations

import json
from functools import lru_cache

import polars as pl

from data_checks.kinds import all_kinds
from i18n import catalog
from models.users import ALL_ROLES
from ui.platform.formatting import role_names
from ui.platform.i18n import current_language, t


def _china_time(col: str, fmt: str) -> pl.Expr:
    return pl.col(col).dt.convert_time_zone("Asia/Shanghai").dt.strftime(fmt)


def action_label(action: str) -> str:
    """An audit action in words where the catalog has it (audit.act.*), else as recorded."""
    words = catalog(current_language())
    key = f"audit.act.{action}"
    if key in words:
        return t(key)
    area, _, rest = action.partition(".")
    if area == "feedback" and f"feedback.action.{rest}" in words:
        return t("audit.feedback_action", action=t(f"feedback.action.{rest}"))
    return action


# where an entity's status codes are named, by the audit event's entity type
STATUS_AREAS = {"alert": "lights.status", "supervision_order": "lights.order_status",
                "approval_case": "esupervision.status", "fb_ticket": "feedback.status",
                "perf_period": "performance.status", "perf_tree_version": "performance.vstatus",
                "perf_manual_score": "performance.mstatus", "power": "power.status",
                "trade_process": "trading.status"}


def change_text(raw: str | None, entity_type: str | None = None) -> str:
    """A before/after JSON object as "field: value" pairs in words (a dash for an empty value;
    a status code by its name for the entity's kind)."""
    if not raw:
        return "—"
    try:
        data = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(data, dict):
        return str(data)
    area = STATUS_AREAS.get(entity_type or "")
    words = catalog(current_language())

    def value(key: str, v: object) -> str:
        if key == "status" and area and isinstance(v, str) and f"{area}.{v}" in words:
            return t(f"{area}.{v}")
        return _value_text(v)

    return "；".join(f"{field_label(k)}：{value(k, v)}" for k, v in data.items()) or "—"


@lru_cache(maxsize=2)
def _template_labels(language: str) -> dict[str, str]:
    """Field name -> the upload templates' column heading (the first kind that has it)."""
    labels: dict[str, str] = {}
    for kind in all_kinds():
        for col in kind.columns:
            labels.setdefault(col.field, col.zh if language.startswith("zh") else col.en)
    return labels


def field_label(key: str) -> str:
    """A recorded field in words: audit.field.<key>, else the template column of that name,
    else the key as recorded."""
    language = current_language()
    if f"audit.field.{key}" in catalog(language):
        return t(f"audit.field.{key}")
    return _template_labels(language).get(key, key)


def _value_text(value: object) -> str:
    """A recorded value in words: 是/否 for booleans, nested objects as "key=value", lists
    joined, empty as a dash."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):  # before the dict check: True == 1 in Python
        return t("audit.value_true") if value else t("audit.value_false")
    if isinstance(value, dict):
        return "，".join(f"{field_label(k)}={_value_text(v)}" for k, v in value.items()) or "—"
    if isinstance(value, list):
        return "、".join(_value_text(v) for v in value) or "—"
    return str(value)


def _entity_label(kind: str) -> str:
    key = f"audit.entity.{kind}"
    return t(key) if key in catalog(current_language()) else kind


def audit_display(events: pl.DataFrame, names: dict[str, str] | None = None,
                  regions: dict[str, str] | None = None) -> pl.DataFrame:
    """The audit table; `names` maps logins to people's names (the system acts as 系统),
    `regions` region codes to names (a region is named before its code)."""
    actions = {a: action_label(a) for a in events["action"].unique().to_list()}
    people = {"system": t("audit.system_actor"), **(names or {})}
    kinds = {k: _entity_label(k) for k in events["entity_type"].drop_nulls().unique().to_list()}
    places = {code: f"{name}（{code}）" for code, name in (regions or {}).items()}
    return events.select(
        pl.col("id").alias(t("audit.col_id")),
        _china_time("ts", "%Y-%m-%d %H:%M:%S").alias(t("audit.col_ts")),
        pl.col("actor").replace_strict(people, default=pl.col("actor"), return_dtype=pl.String)
        .alias(t("audit.actor")),
        pl.col("action").replace_strict(actions, default=pl.col("action")).alias(t("audit.action")),
        pl.col("entity_type").replace_strict(kinds, default=pl.col("entity_type"),
                                             return_dtype=pl.String)
        .fill_null("—").alias(t("audit.col_entity_type")),
        pl.when(pl.col("entity_type") == "region")
        .then(pl.col("entity_id").replace_strict(places, default=pl.col("entity_id"),
                                                 return_dtype=pl.String))
        .otherwise(pl.col("entity_id")).fill_null("—").alias(t("audit.col_entity")),
        *(pl.struct(side, "entity_type")
          .map_elements(lambda r, side=side: change_text(r[side], r["entity_type"]), return_dtype=pl.String)
          .alias(t(f"audit.col_{side}")) for side in ("before", "after")),
    )


def users_display(users: pl.DataFrame) -> pl.DataFrame:
    labels = {r: role_names(r) for r in ALL_ROLES}
    return users.select(
        pl.col("username").alias(t("auth.username")),
        pl.col("display_name").alias(t("auth.display_name")),
        pl.col("roles").str.split(",").list.eval(pl.element().replace_strict(labels, default=pl.element()))
        .list.join("、").alias(t("auth.roles")),
        pl.col("region_name").alias(t("users.region")),
        pl.col("department_name").fill_null("").alias(t("users.department")),
        pl.col("active").alias(t("users.active")),
        *(_china_time(c, "%Y-%m-%d %H:%M").fill_null("").alias(t(k))
          for c, k in (("locked_until", "users.locked_until"), ("last_login_at", "users.last_login"))),
    )

"""Alert sync: run every registered light rule and upsert `alert` rows by (rule, subject).

Lifecycle kept by the sync (supervisors' actions live in services.lights.orders):
- a subject that breaks a rule for the first time -> a new alert, status `open`;
- facts changed materially (the facts JSON without the rule's volatile keys, the level or the
  rule version) -> facts updated, status kept, an `updated` history event;
- only volatile facts changed -> facts refreshed quietly (no event);
- the condition is gone -> `cleared` with a time, unless an active 督办 order covers the alert;
- a `cleared` alert whose condition returns -> `open` again (`reopened`);
- `closed` / `dismissed` alerts stay so unless the facts changed materially (then `reopened`).
Two syncs in a row change nothing. Reads and writes are in bulk (one select, executemany
inserts/updates), compared in polars, so a province-scale run stays a few statements.

`sync_alerts` runs on an Engine (its own transaction) or inside a given Session (e.g. the demo
seed's open transaction)."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime

import polars as pl
from sqlalchemy import bindparam, exists, func, insert, select, text, update
from sqlalchemy.engine import Engine
from sqlmodel import Session

from core.statuses import WATCHED
from metrics.lights.registry import ALERT_SCHEMA, RULES, Rule, evaluate
from metrics.lights.rules import LC_R1, order_escalation
from models.base import utcnow
from models.db import session_scope
from models.lights import (
    ACTIVE_ORDER_STATUSES,
    Alert,
    AlertEvent,
    SupervisionOrder,
    SupervisionOrderAlert,
)
from services.lights.inputs import load_inputs
from services.lights.rule_settings import effective_params, stored_settings
from services.platform import audit
from services.platform.bulk import bulk_insert

logger = logging.getLogger(__name__)
SYNC_LOCK_KEY = 40404  # pg advisory lock id of the alert sync
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


# ---- pure helpers (frames in, frames out) -------------------------------------------------

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


# ---- database side ------------------------------------------------------------------------

def _existing(session: Session, rule_ids: list[str]) -> pl.DataFrame:
    covered = exists(
        select(SupervisionOrderAlert.alert_id)
        .join(SupervisionOrder, SupervisionOrder.id == SupervisionOrderAlert.order_id)
        .where(SupervisionOrderAlert.alert_id == Alert.id,
               SupervisionOrder.status.in_(ACTIVE_ORDER_STATUSES))
    )
    stmt = select(Alert.id, Alert.rule_id, Alert.subject_type, Alert.subject_id, Alert.level,
                  Alert.department_id, Alert.region_code, Alert.facts, Alert.facts_hash,
                  Alert.status, Alert.rule_version, covered.label("covered")
                  ).where(Alert.rule_id.in_(rule_ids))
    rows = session.execute(stmt).all()
    return pl.DataFrame(
        [tuple(r) for r in rows], orient="row",
        schema={"id": pl.Int64, "rule_id": pl.String, "subject_type": pl.String,
                "subject_id": pl.String, "level": pl.String, "department_id": pl.Int64,
                "region_code": pl.String, "facts": pl.String, "facts_hash": pl.String,
                "status": pl.String, "rule_version": pl.Int64, "covered": pl.Boolean},
    )


def evaluate_rules(session: Session, rules: list[Rule],
                   inputs: Mapping[str, pl.DataFrame] | None = None) -> pl.DataFrame:
    """Every rule's alerts (CURRENT_SCHEMA), with admin-set parameters; `inputs` replaces
    loaded frames by name (tests, or a caller that already holds them)."""
    given = dict(inputs or {})
    needed = {name for r in rules for name in r.inputs} - given.keys()
    frames = load_inputs(session.connection(), needed) | given
    stored = stored_settings(session)
    parts = [with_material_hash(r, evaluate(r, frames, effective_params(r, stored)))
             for r in rules]
    return pl.concat(parts, how="vertical") if parts else pl.DataFrame(schema=CURRENT_SCHEMA)


def _insert(session: Session, table, rows: list[dict]) -> None:  # noqa: ANN001
    """COPY on PostgreSQL; SQLAlchemy's executemany on SQLite, which stores timestamps in the
    same text form as every other write (the raw driver would append "+00:00")."""
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        bulk_insert(conn, table, rows)
    else:
        session.execute(insert(table), rows)


def _write(session: Session, plan: pl.DataFrame, *, actor: str, now: datetime) -> None:
    alert_t, event_t = Alert.__table__, AlertEvent.__table__
    events: list[dict] = []

    new = plan.filter(pl.col("action") == "new")
    if new.height:
        cols = ["rule_id", "system", "level", "subject_type", "subject_id", "department_id",
                "region_code", "facts", "facts_hash", "rule_version"]
        rows = [r | {"status": "open", "detected_at": now, "updated_at": now}
                for r in new.select(cols).to_dicts()]
        # executemany / COPY (RETURNING in parameter order runs row by row on SQLite), then
        # the new ids in one select
        last_id = session.execute(select(func.coalesce(func.max(Alert.id), 0))).scalar_one()
        _insert(session, alert_t, rows)
        stored = session.execute(
            select(Alert.id, Alert.rule_id, Alert.subject_type, Alert.subject_id)
            .where(Alert.id > last_id)
        ).all()
        ids = pl.DataFrame([tuple(r) for r in stored], orient="row",
                           schema={"alert_id": pl.Int64, "rule_id": pl.String,
                                   "subject_type": pl.String, "subject_id": pl.String})
        created = new.select(*KEY, "facts").join(ids, on=KEY, how="inner")
        events += [dict(alert_id=i, ts=now, actor=actor, action="created", from_status=None,
                        to_status="open", facts_before=None, facts_after=f, note=None)
                   for i, f in zip(created["alert_id"], created["facts"], strict=True)]

    changed = plan.filter(pl.col("action").is_in(["updated", "reopened", "cleared", "refreshed"]))
    if changed.height:
        act = pl.col("action")
        changed = changed.with_columns(
            pl.when(act.is_in(["reopened"])).then(pl.lit("open"))
            .when(act == "cleared").then(pl.lit("cleared"))
            .otherwise(pl.col("status_old")).alias("new_status"),
            *[pl.when(act == "cleared").then(pl.col(f"{c}_old")).otherwise(pl.col(c)).alias(f"new_{c}")
              for c in ("level", "department_id", "region_code", "facts", "facts_hash",
                        "rule_version")],
        )
        session.execute(
            update(alert_t).where(alert_t.c.id == bindparam("b_id")).values(
                level=bindparam("b_level"), department_id=bindparam("b_department_id"),
                region_code=bindparam("b_region_code"), facts=bindparam("b_facts"),
                facts_hash=bindparam("b_facts_hash"), rule_version=bindparam("b_rule_version"),
                status=bindparam("b_status"), updated_at=bindparam("b_now"),
                cleared_at=bindparam("b_cleared_at"), closed_at=bindparam("b_closed_at"),
                dismiss_reason=bindparam("b_dismiss_reason"),
            ),
            [dict(b_id=r["id_old"], b_level=r["new_level"], b_department_id=r["new_department_id"],
                  b_region_code=r["new_region_code"], b_facts=r["new_facts"],
                  b_facts_hash=r["new_facts_hash"], b_rule_version=r["new_rule_version"],
                  b_status=r["new_status"], b_now=now,
                  # working alerts have neither a close time nor a dismiss reason; a reopened
                  # one loses them (the history keeps them)
                  b_cleared_at=now if r["action"] == "cleared" else None,
                  b_closed_at=None, b_dismiss_reason=None)
             for r in changed.to_dicts()],
        )
        events += [dict(alert_id=r["id_old"], ts=now, actor=actor, action=r["action"],
                        from_status=r["status_old"], to_status=r["new_status"],
                        facts_before=r["facts_old"], facts_after=r["new_facts"], note=None)
                   for r in changed.filter(pl.col("action") != "refreshed").to_dicts()]
    if events:
        _insert(session, event_t, events)


def _refresh_escalations(session: Session, frames_orders: pl.DataFrame, today, params: dict,
                         *, actor: str, now: datetime) -> int:
    """Raise each overdue order's escalation level to what LC-R1 computes (never lowers it)."""
    late = order_escalation(frames_orders, today=today,
                            escalate_every_days=int(params["escalate_every_days"]),
                            grace_days=int(params["grace_days"]))
    if late.height == 0:
        return 0
    ids = late["id"].to_list()
    stored = dict(session.execute(
        select(SupervisionOrder.id, SupervisionOrder.escalation_level)
        .where(SupervisionOrder.id.in_(ids))).all())
    raised = [(r["id"], stored[r["id"]], r["escalation_level"], r["order_no"])
              for r in late.iter_rows(named=True) if r["escalation_level"] > stored.get(r["id"], 0)]
    for order_id, before, after, order_no in raised:
        session.execute(update(SupervisionOrder).where(SupervisionOrder.id == order_id)
                        .values(escalation_level=after, updated_at=now))
        audit.record(session, actor=actor, action="supervision.escalate",
                     entity_type="supervision_order", entity_id=order_no,
                     before={"escalation_level": before}, after={"escalation_level": after})
    return len(raised)


def _sync(session: Session, *, actor: str, rule_ids: list[str] | None,
          inputs: Mapping[str, pl.DataFrame] | None, now: datetime | None,
          reader: Engine | None = None) -> SyncResult:
    started = time.perf_counter()
    now = now or utcnow()
    if session.connection().dialect.name == "postgresql":
        # one sync at a time (button, CLI and import hooks may overlap); SQLite serialises
        # writers by itself
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SYNC_LOCK_KEY})
    rules = [RULES[i] for i in rule_ids] if rule_ids is not None else \
        sorted(RULES.values(), key=lambda r: r.id)
    given = dict(inputs or {})
    needed = {name for r in rules for name in r.inputs} - given.keys()
    # on an Engine the inputs come from one snapshot of committed data through Arrow (fast);
    # inside a caller's transaction, from that transaction (it may hold rows not yet committed)
    frames = load_inputs(reader if reader is not None else session.connection(), needed) | given
    current = evaluate_rules(session, rules, frames)
    plan = plan_sync(current, _existing(session, [r.id for r in rules]))
    counts = dict(plan.group_by("action").len().iter_rows())
    _write(session, plan, actor=actor, now=now)
    escalated = 0
    if LC_R1 in rules and frames["clock"].height:
        params = effective_params(LC_R1, stored_settings(session))
        escalated = _refresh_escalations(session, frames["supervision_orders"],
                                         frames["clock"]["today"][0], params, actor=actor, now=now)
    result = SyncResult(
        rules=len(rules), new=counts.get("new", 0), updated=counts.get("updated", 0),
        reopened=counts.get("reopened", 0), cleared=counts.get("cleared", 0),
        refreshed=counts.get("refreshed", 0), unchanged=counts.get("unchanged", 0),
        escalated=escalated,
    )
    if result.changed - result.refreshed:
        audit.record(session, actor=actor, action="alerts.sync", entity_type="alert_sync",
                     entity_id=now.isoformat(timespec="seconds"),
                     after={k: v for k, v in result.as_dict().items() if k != "seconds"})
    session.flush()
    return SyncResult(**(result.as_dict() | {"seconds": round(time.perf_counter() - started, 3)}))


def sync_alerts(bind: Engine | Session, *, actor: str = "system",
                rule_ids: list[str] | None = None,
                inputs: Mapping[str, pl.DataFrame] | None = None,
                now: datetime | None = None) -> SyncResult:
    """Run the rules (all registered, or `rule_ids`) and bring `alert` in line with them.

    On an Engine: one transaction of its own. On a Session: inside the caller's transaction
    (the caller commits). `inputs` replaces loaded input frames by name."""
    if isinstance(bind, Session):
        return _sync(bind, actor=actor, rule_ids=rule_ids, inputs=inputs, now=now)
    with session_scope(bind) as s:
        return _sync(s, actor=actor, rule_ids=rule_ids, inputs=inputs, now=now, reader=bind)


def sync_after_import(engine: Engine, actor: str) -> None:
    """An after-import hook (systems.py): re-run the rules after every import. The
    import is already committed, so a failing rule is logged rather than reported as a failed
    upload; the next sync (button, CLI or import) retries."""
    try:
        sync_alerts(engine, actor=actor)
    except Exception:
        logger.exception("alert sync after import failed")

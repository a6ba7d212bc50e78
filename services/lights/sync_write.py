"""The alert sync's database side: read the stored alerts, write a plan (services.lights.
sync_plan) in bulk, raise overdue 督办 orders' escalation. Runs inside the sync's transaction."""

from __future__ import annotations

from datetime import date, datetime

import polars as pl
from sqlalchemy import bindparam, exists, func, insert, select, text, update
from sqlmodel import Session

from metrics.lights.rules import order_escalation
from models.lights import (
    ACTIVE_ORDER_STATUSES,
    Alert,
    AlertEvent,
    SupervisionOrder,
    SupervisionOrderAlert,
)
from services.lights.sync_plan import KEY
from services.platform import audit
from services.platform.bulk import copy_frame
from services.platform.frames import read_frame

# PostgreSQL: a sync compares the stored alerts it read with what its rules found, then writes;
# a supervisor's action that committed between the two would be written over (SQLite's sync
# holds its write lock from the read: services.lights.sync._write_lock). And the two lock alert
# and order rows in no common order (the sync's UPDATE … FROM in its join's order, batch after
# batch while later rules run: services.lights.sync_stream; an action in id order), so they
# could deadlock. So each takes this lock first: the sync exclusive from its first read of the
# stored alerts until it commits, an action shared (actions wait only for a sync's compare
# and write, never for one another).
ALERT_WRITES_LOCK_KEY = 40405


def lock_alert_writes(session: Session, *, shared: bool = False) -> None:
    """Take the alert-writes lock for this transaction (PostgreSQL; SQLite has one writer)."""
    if session.connection().dialect.name == "postgresql":
        fn = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
        session.execute(text(f"SELECT {fn}(:k)"), {"k": ALERT_WRITES_LOCK_KEY})


def existing_alerts(*, session: Session, rule_ids: list[str],
                    departments: frozenset[int] | None = None,
                    subject_ids: list[str] | None = None) -> pl.DataFrame:
    """The stored alerts of `rule_ids` (of `departments` only, or of `subject_ids` only, when
    given), with `covered` (an active 督办 order holds them). Read for the compare, under the
    alert-writes lock: no action changes them between this read and the sync's write."""
    lock_alert_writes(session)
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
    if departments is not None:
        stmt = stmt.where(Alert.department_id.in_(sorted(departments)))
    # through the driver (COPY on PostgreSQL), not ORM rows: the full sync reads every stored
    # alert (42,000 at province scale) between its evaluation and its write
    conn = session.connection()
    if subject_ids is None:
        return read_frame(conn, stmt, _EXISTING)
    return pl.concat([read_frame(conn, stmt.where(Alert.subject_id.in_(subject_ids[i:i + 5000])), _EXISTING)
                      for i in range(0, len(subject_ids), 5000)] or [pl.DataFrame(schema=_EXISTING)])


_EXISTING = {"id": pl.Int64(), "rule_id": pl.String(), "subject_type": pl.String(),
             "subject_id": pl.String(), "level": pl.String(), "department_id": pl.Int64(),
             "region_code": pl.String(), "facts": pl.String(), "facts_hash": pl.String(),
             "status": pl.String(), "rule_version": pl.Int64(), "covered": pl.Boolean()}


def _insert(session: Session, table, rows: pl.DataFrame, now: datetime) -> None:  # noqa: ANN001
    """`rows` into `table`, each column of `now` set to it: COPY of polars' CSV on PostgreSQL;
    SQLAlchemy's executemany on SQLite, which stores timestamps in the same text form as every
    other write (the raw driver would append "+00:00")."""
    stamps = [c for c in ("ts", "detected_at", "updated_at") if c in table.c]
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        copy_frame(conn, table.name, rows.with_columns(pl.lit(now).alias(c) for c in stamps))
    else:
        session.execute(insert(table), [r | dict.fromkeys(stamps, now) for r in rows.to_dicts()])


def write_plan(*, session: Session, plan: pl.DataFrame, actor: str, now: datetime) -> None:
    """Carry out the plan: new alerts, updates and their history events, in bulk."""
    events: list[pl.DataFrame] = []

    new = plan.filter(pl.col("action") == "new")
    if new.height:
        cols = ["rule_id", "system", "level", "subject_type", "subject_id", "department_id",
                "region_code", "facts", "facts_hash", "rule_version"]
        # COPY / executemany (RETURNING in parameter order runs row by row on SQLite), then
        # the new ids in one select
        last_id = session.execute(select(func.coalesce(func.max(Alert.id), 0))).scalar_one()
        _insert(session, Alert.__table__, new.select(*cols, pl.lit("open").alias("status")), now)
        stored = session.execute(
            select(Alert.id, Alert.rule_id, Alert.subject_type, Alert.subject_id)
            .where(Alert.id > last_id)
        ).all()
        ids = pl.DataFrame([tuple(r) for r in stored], orient="row",
                           schema={"alert_id": pl.Int64, "rule_id": pl.String,
                                   "subject_type": pl.String, "subject_id": pl.String})
        created = new.select(*KEY, "facts").join(ids, on=KEY, how="inner")
        events.append(created.select(*_event(pl.col("alert_id"), actor, pl.lit("created"),
                                              pl.lit(None), pl.lit("open"), pl.lit(None), pl.col("facts"))))

    changed = plan.filter(pl.col("action").is_in(["updated", "reopened", "cleared", "refreshed"]))
    if changed.height:
        act = pl.col("action")
        changed = changed.with_columns(
            pl.when(act.is_in(["reopened"])).then(pl.lit("open"))
            .when(act == "cleared").then(pl.lit("cleared"))
            .otherwise(pl.col("status_old")).alias("new_status"),
            *[pl.when(act == "cleared").then(pl.col(f"{c}_old")).otherwise(pl.col(c)).alias(f"new_{c}")
              for c in _CHANGED if c != "status"],
        )
        if session.connection().dialect.name == "postgresql":
            _update_via_copy(session, changed, now)
        else:
            _update_many(session, changed, now)
        logged = changed.filter(act != "refreshed")
        events.append(logged.select(*_event(pl.col("id_old"), actor, act, pl.col("status_old"),
                                            pl.col("new_status"), pl.col("facts_old"), pl.col("new_facts"))))
    if any(e.height for e in events):
        _insert(session, AlertEvent.__table__, pl.concat(events), now)


def _event(alert_id: pl.Expr, actor: str, action: pl.Expr, from_status: pl.Expr,
           to_status: pl.Expr, facts_before: pl.Expr, facts_after: pl.Expr) -> list[pl.Expr]:
    """A history event's columns (alert_event's but its time), over the plan's rows."""
    return [alert_id.cast(pl.Int64).alias("alert_id"), pl.lit(actor).alias("actor"),
            action.cast(pl.String).alias("action"), from_status.cast(pl.String).alias("from_status"),
            to_status.cast(pl.String).alias("to_status"),
            facts_before.cast(pl.String).alias("facts_before"),
            facts_after.cast(pl.String).alias("facts_after"), pl.lit(None, pl.String).alias("note")]


# what a change writes to its alert; working alerts have neither a close time nor a dismiss
# reason, so a reopened one loses them (the history keeps them)
_CHANGED = ("level", "department_id", "region_code", "facts", "facts_hash", "rule_version", "status")


def _update_via_copy(session: Session, changed: pl.DataFrame, now: datetime) -> None:
    """PostgreSQL: the changes COPYed into a temporary table, then one UPDATE … FROM it
    (an executemany of a province's 35,803 changes took 0.9 s, row by row on the server)."""
    conn = session.connection()
    columns = ", ".join(_CHANGED)
    conn.exec_driver_sql(f"CREATE TEMP TABLE alert_change ON COMMIT DROP AS "
                         f"SELECT id, {columns}, cleared_at FROM alert WITH NO DATA")
    copy_frame(conn, "alert_change", changed.select(
        pl.col("id_old").alias("id"), *(pl.col(f"new_{c}").alias(c) for c in _CHANGED),
        pl.when(pl.col("action") == "cleared").then(pl.lit(now)).alias("cleared_at")))
    sets = ", ".join(f"{c} = u.{c}" for c in _CHANGED)
    conn.exec_driver_sql(f"UPDATE alert SET {sets}, updated_at = %(now)s, cleared_at = u.cleared_at, "
                         f"closed_at = NULL, dismiss_reason = NULL FROM alert_change u WHERE alert.id = u.id",
                         {"now": now})
    conn.exec_driver_sql("DROP TABLE alert_change")


def _update_many(session: Session, changed: pl.DataFrame, now: datetime) -> None:
    """SQLite: one executemany (sqlite3 runs it in C)."""
    alert_t = Alert.__table__
    session.execute(
        update(alert_t).where(alert_t.c.id == bindparam("b_id")).values(
            **{c: bindparam(f"b_{c}") for c in _CHANGED}, updated_at=bindparam("b_now"),
            cleared_at=bindparam("b_cleared_at"), closed_at=None, dismiss_reason=None),
        [{"b_id": r["id_old"], **{f"b_{c}": r[f"new_{c}"] for c in _CHANGED}, "b_now": now,
          "b_cleared_at": now if r["action"] == "cleared" else None}
         for r in changed.to_dicts()],
    )


def refresh_escalations(*, session: Session, orders: pl.DataFrame, today: date, params: dict,
                        actor: str, now: datetime) -> int:
    """Raise each overdue order's escalation level to what LC-R1 computes (never lowers it)."""
    late = order_escalation(orders, today=today,
                            escalate_every_days=int(params["escalate_every_days"]),
                            grace_days=int(params["grace_days"]))
    if late.height == 0:
        return 0
    ids = late["id"].to_list()
    lock_alert_writes(session)  # held already after the compare; here for a caller without one
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

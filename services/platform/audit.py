"""Audit log: append events to the hash chain inside the caller's transaction; verify it.

Each event's hash is an HMAC-SHA256 keyed by the installation secret (`services.platform.keys`,
a file the database does not hold): whoever can write the database can edit an event but not
recompute the chain after it. Truncating the tail and fixing the head leaves a valid shorter
chain, so `head_anchor` (`manage.py audit-anchor`) prints `last_id:last_hash` to keep outside
the database, and `verify_chain(anchor=...)` checks that event is still there, unchanged."""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.audit import AuditChainHead, AuditEvent
from models.base import utcnow

GENESIS_HASH = "0" * 64


def _to_json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _key() -> bytes:
    from services.platform.keys import audit_key  # noqa: PLC0415  (settings at call time)
    from services.platform.settings import get_settings  # noqa: PLC0415

    return audit_key(get_settings())


def event_hash(
    *, id: int, ts: datetime, actor: str, action: str, entity_type: str, entity_id: str,
    before: str | None, after: str | None, prev_hash: str, key: bytes | None = None,
) -> str:
    # Canonical text of every stored field; the timestamp in UTC ISO form so both databases
    # give the same string back.
    payload = json.dumps(
        [id, ts.isoformat(timespec="microseconds"), actor, action, entity_type, entity_id,
         before, after, prev_hash],
        ensure_ascii=False,
    )
    return hmac.new(key if key is not None else _key(), payload.encode("utf-8"),
                    hashlib.sha256).hexdigest()


def record(
    session: Session, *, actor: str, action: str, entity_type: str, entity_id: str | int,
    before: Any = None, after: Any = None,
) -> AuditEvent:
    """Append one event. Runs in the caller's transaction, so it commits or rolls back with
    the change it describes."""
    head = session.execute(
        select(AuditChainHead).where(AuditChainHead.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        head = AuditChainHead(id=1, last_id=0, last_hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    fields = dict(
        id=head.last_id + 1, ts=utcnow(), actor=actor, action=action,
        entity_type=entity_type, entity_id=str(entity_id),
        before=_to_json(before), after=_to_json(after), prev_hash=head.last_hash,
    )
    event = AuditEvent(**fields, hash=event_hash(**fields, key=_key()))
    session.add(event)
    head.last_id = event.id
    head.last_hash = event.hash
    session.add(head)
    session.flush()
    return event


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_id: int | None = None
    reason: str = ""


def head_anchor(*, session: Session) -> str:
    """`last_id:last_hash` of the chain head, to keep outside the database."""
    head = session.get(AuditChainHead, 1)
    return f"{head.last_id}:{head.last_hash}" if head else f"0:{GENESIS_HASH}"


def _parse_anchor(anchor: str) -> tuple[int, str]:
    id_text, _, digest = anchor.strip().partition(":")
    if not id_text.isdigit() or len(digest) != 64:
        raise ValueError(f"an anchor looks like 123:<64 hex digits>, not {anchor!r}")
    return int(id_text), digest.lower()


def verify_chain(engine: Engine, *, batch: int = 5000, anchor: str | None = None) -> ChainReport:
    """Walk the chain in id order; the first event whose hash, link or id does not fit is bad.
    With an `anchor` (from `head_anchor`), its event must still be there with that hash.
    Takes the engine: the walk is one read transaction of its own, in batches of `batch`."""
    anchor_id, anchor_hash = _parse_anchor(anchor) if anchor else (0, GENESIS_HASH)
    key = _key()
    prev_hash, expected_id, checked = GENESIS_HASH, 1, 0
    with Session(engine) as session:
        last_id = 0
        while True:
            rows = session.execute(
                select(AuditEvent).where(AuditEvent.id > last_id)
                .order_by(AuditEvent.id).limit(batch)
            ).scalars().all()
            if not rows:
                break
            for ev in rows:
                if ev.id != expected_id:
                    return ChainReport(False, checked, expected_id,
                                       f"event {expected_id} is missing (next is {ev.id})")
                if ev.prev_hash != prev_hash:
                    return ChainReport(False, checked, ev.id, "link to previous event broken")
                recomputed = event_hash(
                    id=ev.id, ts=ev.ts, actor=ev.actor, action=ev.action,
                    entity_type=ev.entity_type, entity_id=ev.entity_id, before=ev.before,
                    after=ev.after, prev_hash=ev.prev_hash, key=key,
                )
                if not hmac.compare_digest(recomputed, ev.hash):
                    return ChainReport(False, checked, ev.id, "content does not match its hash")
                if ev.id == anchor_id and ev.hash != anchor_hash:
                    return ChainReport(False, checked, ev.id, "event differs from the anchor")
                prev_hash, expected_id, checked = ev.hash, ev.id + 1, checked + 1
            last_id = rows[-1].id
        head = session.get(AuditChainHead, 1)
    head_id = head.last_id if head else 0
    head_hash = head.last_hash if head else GENESIS_HASH
    if head_id != expected_id - 1 or head_hash != prev_hash:
        return ChainReport(False, checked, expected_id if head_id >= expected_id else head_id,
                           f"chain head says {head_id} events, found {expected_id - 1}")
    if anchor_id > expected_id - 1:
        return ChainReport(False, checked, expected_id,
                           f"the anchor names event {anchor_id}, the chain ends at {expected_id - 1}")
    return ChainReport(True, checked)


def events_frame(
    *, session: Session, actor: str | None = None, action_prefix: str | None = None,
    since: datetime | None = None, until: datetime | None = None, limit: int = 1000,
) -> pl.DataFrame:
    """Newest events first, filtered; for the audit page and exports (admins only)."""
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if actor:
        stmt = stmt.where(AuditEvent.actor == actor)
    if action_prefix:
        stmt = stmt.where(AuditEvent.action.startswith(action_prefix))
    if since:
        stmt = stmt.where(AuditEvent.ts >= since)
    if until:
        stmt = stmt.where(AuditEvent.ts < until)
    rows = session.execute(stmt).scalars().all()
    return pl.DataFrame(
        [(e.id, e.ts, e.actor, e.action, e.entity_type, e.entity_id, e.before, e.after, e.hash)
         for e in rows],
        schema={"id": pl.Int64, "ts": pl.Datetime("us", "UTC"), "actor": pl.String,
                "action": pl.String, "entity_type": pl.String, "entity_id": pl.String,
                "before": pl.String, "after": pl.String, "hash": pl.String},
        orient="row",
    )

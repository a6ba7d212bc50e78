"""Part 5 of the hostile sweep: the audit chain rewritten the ways someone with write access to
the database would, each checked by `manage.py verify-audit --anchor <head printed before>`
in a process of its own; the chain is put back between tamperings (and verified intact)."""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from sqlalchemy import delete, insert, select, update
from sqlmodel import Session

from models.audit import AuditChainHead, AuditEvent
from services.platform.settings import DEMO_COOKIE_KEY

ROOT = Path(__file__).resolve().parent.parent


def _verify(url: str, anchor: str | None) -> int:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIVESYS_")}
    env.update({"DATABASE_URL": url, "FIVESYS_SECRET_FILE": os.environ["FIVESYS_SECRET_FILE"]})
    cmd = [sys.executable, "manage.py", "verify-audit"] + (["--anchor", anchor] if anchor else [])
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=300).returncode


def _payload(ev: dict, prev: str) -> bytes:
    return json.dumps([ev["id"], ev["ts"].isoformat(timespec="microseconds"), ev["actor"],
                       ev["action"], ev["entity_type"], ev["entity_id"], ev["before"],
                       ev["after"], prev], ensure_ascii=False).encode("utf-8")


def _rehash(conn, start: int, digest: Callable[[bytes], str]) -> None:  # noqa: ANN001
    """Recompute every hash from event `start` on with `digest` (what an attacker without the
    installation key can do), and the head."""
    rows = [dict(r._mapping) for r in conn.execute(
        select(AuditEvent.__table__).order_by(AuditEvent.id))]
    prev = next(r["hash"] for r in rows if r["id"] == start - 1)
    for r in rows:
        if r["id"] < start:
            continue
        new = digest(_payload(r, prev))
        conn.execute(update(AuditEvent).where(AuditEvent.id == r["id"])
                     .values(prev_hash=prev, hash=new))
        prev = new
    conn.execute(update(AuditChainHead).where(AuditChainHead.id == 1).values(last_hash=prev))


def _tamperings(mid: int, last: int) -> dict[str, Callable]:
    ev = AuditEvent.__table__
    head = AuditChainHead.__table__
    sha = lambda b: hashlib.sha256(b).hexdigest()  # noqa: E731
    demo = lambda b: hmac.new(DEMO_COOKIE_KEY.encode(), b, hashlib.sha256).hexdigest()  # noqa: E731

    def set_head(conn, to: int) -> None:  # noqa: ANN001
        h = conn.execute(select(ev.c.hash).where(ev.c.id == to)).scalar_one_or_none()
        conn.execute(update(head).values(last_id=to, last_hash=h or "0" * 64))

    def edit(**values) -> Callable:  # noqa: ANN003
        return lambda conn: conn.execute(update(ev).where(ev.c.id == mid).values(**values))

    def shift_ts(conn) -> None:  # noqa: ANN001
        ts = conn.execute(select(ev.c.ts).where(ev.c.id == mid)).scalar_one()
        conn.execute(update(ev).where(ev.c.id == mid).values(ts=ts + timedelta(seconds=1)))

    def swap(conn) -> None:  # noqa: ANN001
        """Two events trade who and what (the next event after `mid` that differs in them)."""
        a = conn.execute(select(ev.c.actor, ev.c.action, ev.c.entity_id).where(ev.c.id == mid)).one()
        b_id, *b = conn.execute(
            select(ev.c.id, ev.c.actor, ev.c.action, ev.c.entity_id)
            .where(ev.c.id > mid, (ev.c.actor != a[0]) | (ev.c.action != a[1])
                   | (ev.c.entity_id != a[2])).order_by(ev.c.id).limit(1)).one()
        conn.execute(update(ev).where(ev.c.id == mid).values(actor=b[0], action=b[1], entity_id=b[2]))
        conn.execute(update(ev).where(ev.c.id == b_id).values(actor=a[0], action=a[1], entity_id=a[2]))

    def edited_then(digest: Callable) -> Callable:
        def run(conn) -> None:  # noqa: ANN001
            edit(after='{"forged": true}')(conn)
            _rehash(conn, mid, digest)
        return run

    def append_forged(conn) -> None:  # noqa: ANN001
        row = dict(conn.execute(select(ev).where(ev.c.id == last)).one()._mapping)
        row.update(id=last + 1, action="auth.login", actor="admin", prev_hash=row["hash"],
                   hash=sha(_payload(row, row["hash"])))
        conn.execute(insert(ev).values(**row))
        conn.execute(update(head).values(last_id=last + 1, last_hash=row["hash"]))

    def renumber(conn) -> None:  # noqa: ANN001
        for i in range(last, mid - 1, -1):
            conn.execute(update(ev).where(ev.c.id == i).values(id=i + 1))
        set_head(conn, last + 1)

    return {
        "edit_after": edit(after='{"v": "edited"}'),
        "edit_actor": edit(actor="forged-admin"),
        "edit_action": edit(action="auth.forged"),
        "edit_entity_id": edit(entity_id="forged-entity"),
        "shift_timestamp_1s": shift_ts,
        "swap_two_events": swap,
        "edit_and_rehash_sha256": edited_then(sha),
        "edit_and_rehash_hmac_demo_key": edited_then(demo),
        "break_prev_link": edit(prev_hash="f" * 64),
        "delete_middle_event": lambda c: c.execute(delete(ev).where(ev.c.id == mid)),
        "delete_tail_keep_head": lambda c: c.execute(delete(ev).where(ev.c.id > last - 3)),
        "delete_tail_fix_head": lambda c: (c.execute(delete(ev).where(ev.c.id > last - 3)),
                                           set_head(c, last - 3)),
        "truncate_all_reset_head": lambda c: (c.execute(delete(ev)), set_head(c, 0)),
        "append_forged_event": append_forged,
        "head_hash_changed": lambda c: c.execute(update(head).values(last_hash="e" * 64)),
        "renumber_ids_from_middle": renumber,
    }


def part_audit(engine, url: str) -> dict:  # noqa: ANN001
    from models.db import session_scope
    from services.platform.audit import head_anchor

    ev = AuditEvent.__table__
    with engine.connect() as conn:
        saved = [dict(r._mapping) for r in conn.execute(select(ev).order_by(ev.c.id))]
        saved_head = dict(conn.execute(select(AuditChainHead.__table__)).one()._mapping)
    with Session(engine) as s:
        anchor = head_anchor(session=s)
    last = saved[-1]["id"]
    mid = last // 2
    intact_before = _verify(url, anchor)
    caught, missed = [], []
    for name, tamper in _tamperings(mid, last).items():
        with engine.begin() as conn:
            tamper(conn)
        (caught if _verify(url, anchor) == 1 else missed).append(name)
        with engine.begin() as conn:  # put the chain back as it was
            conn.execute(delete(ev))
            for i in range(0, len(saved), 2000):
                conn.execute(insert(ev), saved[i:i + 2000])
            conn.execute(update(AuditChainHead.__table__).values(**saved_head))
    intact_after = _verify(url, anchor)
    with session_scope(engine) as s:
        grows = head_anchor(session=s) == anchor
    return {"events": len(saved), "tamperings": len(caught) + len(missed), "caught": len(caught),
            "missed": missed, "verify_intact_before_rc": intact_before,
            "verify_intact_after_rc": intact_after, "head_unchanged": grows}

"""Issue 17: whoever can write the database cannot rewrite the audit chain unnoticed. The chain
is an HMAC keyed by the installation secret (a file, not a row), and `audit-anchor` prints a
head digest kept elsewhere that `verify-audit --anchor` checks the tail against."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, text
from sqlmodel import Session

from models.audit import AuditEvent
from models.db import session_scope
from services.platform import audit
from services.platform.audit import head_anchor, verify_chain

ROOT = Path(__file__).resolve().parents[2]


def _append(engine, n):  # noqa: ANN001
    with session_scope(engine) as s:
        for i in range(n):
            audit.record(s, actor="tester", action="test.write", entity_type="thing",
                         entity_id=i, after={"v": i})


def _plain_sha256(ev: AuditEvent, prev_hash: str) -> str:
    """What an attacker can compute without the key: the old unkeyed hash."""
    payload = json.dumps([ev.id, ev.ts.isoformat(timespec="microseconds"), ev.actor, ev.action,
                          ev.entity_type, ev.entity_id, ev.before, ev.after, prev_hash],
                         ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def test_editing_an_event_and_recomputing_every_later_hash_is_caught(engine):
    _append(engine, 6)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET after = '{\"v\": 99}' WHERE id = 3"))
    with Session(engine) as s:
        events = s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars().all()
        prev = events[1].hash
        fixed = []
        for ev in events[2:]:
            new = _plain_sha256(ev, prev)
            fixed.append((ev.id, prev, new))
            prev = new
    with engine.begin() as conn:
        for id_, prev_hash, new in fixed:
            conn.execute(text("UPDATE audit_event SET prev_hash = :p, hash = :h WHERE id = :i"),
                         {"p": prev_hash, "h": new, "i": id_})
        conn.execute(text("UPDATE audit_chain_head SET last_hash = :h WHERE id = 1"), {"h": prev})
    report = verify_chain(engine)
    assert (report.ok, report.first_bad_id) == (False, 3)


def test_deleting_the_tail_and_fixing_the_head_is_caught_by_the_anchor(engine):
    _append(engine, 5)
    with Session(engine) as s:
        anchor = head_anchor(session=s)
    assert anchor.startswith("5:") and len(anchor) == 2 + 64
    with engine.begin() as conn:
        kept = conn.execute(text("SELECT hash FROM audit_event WHERE id = 3")).scalar_one()
        conn.execute(text("DELETE FROM audit_event WHERE id > 3"))
        conn.execute(text("UPDATE audit_chain_head SET last_id = 3, last_hash = :h WHERE id = 1"),
                     {"h": kept})
    assert verify_chain(engine).ok is True  # the chain alone cannot know its lost tail
    report = verify_chain(engine, anchor=anchor)
    assert report.ok is False and report.first_bad_id == 4 and "anchor" in report.reason


def test_an_anchor_of_a_longer_intact_chain_still_verifies(engine):
    _append(engine, 3)
    with Session(engine) as s:
        anchor = head_anchor(session=s)
    _append(engine, 2)
    assert verify_chain(engine, anchor=anchor).ok is True
    assert verify_chain(engine, anchor="3:" + "f" * 64).ok is False


def test_cli_prints_the_anchor_and_verifies_against_it(engine, monkeypatch):  # noqa: ANN001
    _append(engine, 4)
    env = {"DATABASE_URL": engine.url.render_as_string(hide_password=False), "PATH": "/usr/bin"}
    run = lambda *a: subprocess.run([sys.executable, "manage.py", *a], cwd=ROOT, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    printed = run("audit-anchor")
    assert printed.returncode == 0, printed.stderr
    anchor = printed.stdout.strip().splitlines()[-1]
    assert anchor.startswith("4:")
    assert run("verify-audit", "--anchor", anchor).returncode == 0
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 4"))
        conn.execute(text("UPDATE audit_chain_head SET last_id = 3, last_hash = "
                          "(SELECT hash FROM audit_event WHERE id = 3) WHERE id = 1"))
    broken = run("verify-audit", "--anchor", anchor)
    assert broken.returncode == 1 and "anchor" in broken.stderr

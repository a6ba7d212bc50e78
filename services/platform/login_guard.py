"""Login attempts and login sessions, decided in the database so no race gets around them.

`reserve_attempt` runs BEFORE the password is checked, in a transaction of its own: one
UPDATE counts the attempt and locks the account when the count reaches the limit, and only
when it succeeds is the password verified. Twelve simultaneous wrong passwords therefore
meet one counter, serialised by the database: five are checked, the rest are refused as
locked, and the count ends at the limit. A right password then clears the count
(`users.record_login`).

`revoke_sessions` (logout, password change or reset, deactivation) moves the user's
`sessions_valid_from` to now; `session_valid` is checked on every run, so a copied login
cookie (or another browser's session) issued before that moment stops working."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, case, or_, select, update
from sqlmodel import Session

from models.base import utcnow
from models.users import User
from services.platform import audit


class Gate(StrEnum):
    CHECK = "check"      # counted; now verify the password
    LOCKED = "locked"    # refused without looking at the password
    UNKNOWN = "unknown"  # no such active account


def reserve_attempt(username: str, *, session: Session, lockout_attempts: int,
                    lockout_minutes: int) -> Gate:
    now = utcnow()
    expired = and_(User.locked_until.is_not(None), User.locked_until <= now)
    count = case((expired, 1), else_=User.failed_attempts + 1)
    reserved = session.execute(
        update(User)
        .where(User.username == username, User.active.is_(True),
               or_(User.locked_until.is_(None), User.locked_until <= now),
               or_(expired, User.failed_attempts < lockout_attempts))
        .values(failed_attempts=count,
                locked_until=case((count >= lockout_attempts,
                                   now + timedelta(minutes=lockout_minutes)), else_=None))
        .returning(User.failed_attempts, User.locked_until)
    ).first()
    if reserved is not None:
        failed, until = reserved
        audit.record(session, actor=username, action="auth.login_attempt", entity_type="user",
                     entity_id=username, after={"failed_attempts": failed})
        if until is not None:
            audit.record(session, actor="system", action="auth.locked", entity_type="user",
                         entity_id=username, after={"locked_until": until})
        return Gate.CHECK
    known = session.execute(select(User.id).where(User.username == username,
                                                  User.active.is_(True))).first()
    gate = Gate.LOCKED if known else Gate.UNKNOWN
    audit.record(session, actor=username[:64] or "?",
                 action="auth.login_locked" if known else "auth.login_unknown",
                 entity_type="user", entity_id=username[:128])
    return gate


def revoke_sessions(username: str, *, session: Session, actor: str, reason: str) -> None:
    session.execute(update(User).where(User.username == username)
                    .values(sessions_valid_from=utcnow()))
    audit.record(session, actor=actor, action="auth.sessions_revoked", entity_type="user",
                 entity_id=username, after={"reason": reason})


def session_valid(username: str, issued_at: datetime, *, session: Session) -> bool:
    """False when the account is gone, inactive, or its sessions were revoked after
    `issued_at` (aware UTC)."""
    row = session.execute(select(User.active, User.sessions_valid_from)
                          .where(User.username == username)).first()
    if row is None or not row[0]:
        return False
    return row[1] is None or issued_at >= row[1]

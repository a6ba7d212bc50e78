"""Users: accounts, roles, scope, passwords and lockout. Every change is audited.

Every function takes the caller's session (keyword-only) and never commits; what leaves this
module is a `UserPublic` (no password hash, no failed-attempt count), never the ORM `User`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.errors import AppError
from models.base import utcnow
from models.org import Department, Region
from models.users import ALL_ROLES, User, UserBase, UserCreate, UserPublic, parse_roles
from services.platform import audit
from services.platform.scope import Scope, scope_for


class UserError(AppError):
    """A rejected user change; `key` names the i18n message."""


def hash_password(password: str, *, rounds: int = 12) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds)).decode("ascii")


def check_password(password: str, hashed: str | None) -> bool:
    if not hashed:
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


def validate_new_password(password: str) -> None:
    """At least 8 characters with letters and digits (a government baseline, not a policy
    engine); bcrypt ignores bytes past 72."""
    if len(password) < 8 or len(password.encode("utf-8")) > 72:
        raise UserError("users.err_password_length")
    if not any(c.isalpha() for c in password) or not any(c.isdigit() for c in password):
        raise UserError("users.err_password_weak")


def _snapshot(u: User) -> dict:
    return {"username": u.username, "display_name": u.display_name, "roles": u.roles,
            "region_code": u.region_code, "department_id": u.department_id, "active": u.active}


def _check_roles(roles: list[str]) -> str:
    cleaned = [r for r in ALL_ROLES if r in roles]
    if not cleaned or len(cleaned) != len(set(roles)):
        raise UserError("users.err_roles")
    return ",".join(cleaned)


def _check_scope(session: Session, actor_scope: Scope, region_code: str, department_id: int | None) -> None:
    if session.get(Region, region_code) is None:
        raise UserError("users.err_region", code=region_code)
    if not actor_scope.allows_region(region_code):
        raise UserError("users.err_out_of_scope", code=region_code)
    if department_id is not None:
        dept = session.get(Department, department_id)
        if dept is None or dept.region_code != region_code:
            raise UserError("users.err_department")


# ---- reads -------------------------------------------------------------------------------

def _public(user: User) -> UserPublic:
    return UserPublic.model_validate(user, from_attributes=True)


def _find(session: Session, username: str) -> User | None:
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def get_user(username: str, *, session: Session) -> UserPublic | None:
    user = _find(session, username)
    return None if user is None else _public(user)


def display_names(logins: list[str], *, session: Session) -> dict[str, str]:
    """login -> the person's name, for tables that show who did something."""
    wanted = sorted({n for n in logins if n})
    if not wanted:
        return {}
    return dict(session.execute(select(User.username, User.display_name)
                                .where(User.username.in_(wanted))).all())


def user_scope(user: UserBase, *, session: Session) -> Scope:
    return scope_for(user, session=session)


def users_frame(scope: Scope, *, session: Session) -> pl.DataFrame:
    stmt = (
        select(User.id, User.username, User.display_name, User.roles, User.region_code,
               Region.name.label("region_name"), Department.name.label("department_name"),
               User.active, User.locked_until, User.last_login_at)
        .join(Region, Region.code == User.region_code)
        .outerjoin(Department, Department.id == User.department_id)
        .where(scope.region_filter(User.region_code))
        .order_by(User.region_code, User.username)
    )
    rows = session.execute(stmt).all()
    return pl.DataFrame(
        [tuple(r) for r in rows],
        schema={"id": pl.Int64, "username": pl.String, "display_name": pl.String,
                "roles": pl.String, "region_code": pl.String, "region_name": pl.String,
                "department_name": pl.String, "active": pl.Boolean,
                "locked_until": pl.Datetime("us", "UTC"), "last_login_at": pl.Datetime("us", "UTC")},
        orient="row",
    )


@dataclass(frozen=True)
class LoginAccount:
    """What the login widget needs to know about one account."""

    username: str
    display_name: str
    password_hash: str
    roles: list[str]
    failed_attempts: int  # effective count; reaching the limit means locked


def login_accounts(*, session: Session, lockout_attempts: int,
                   now: datetime | None = None) -> list[LoginAccount]:
    """Active accounts with a password. A lock that has run out counts as no failures."""
    now = now or utcnow()
    users = session.execute(
        select(User).where(User.active.is_(True), User.password_hash.is_not(None))
    ).scalars().all()
    out = []
    for u in users:
        if u.locked_until is not None and u.locked_until > now:
            failed = lockout_attempts
        elif u.locked_until is not None:
            failed = 0
        else:
            failed = min(u.failed_attempts, lockout_attempts - 1)
        out.append(LoginAccount(u.username, u.display_name, u.password_hash or "",
                                parse_roles(u.roles), failed))
    return out


def locked_until(username: str, *, session: Session) -> datetime | None:
    user = _find(session, username)
    if user is None or user.locked_until is None or user.locked_until <= utcnow():
        return None
    return user.locked_until


# ---- login bookkeeping --------------------------------------------------------------------

def record_login(username: str, *, session: Session) -> None:
    user = session.execute(select(User).where(User.username == username)).scalar_one()
    user.failed_attempts, user.locked_until, user.last_login_at = 0, None, utcnow()
    session.add(user)
    audit.record(session, actor=username, action="auth.login", entity_type="user", entity_id=username)


def record_failed_login(username: str, *, session: Session, lockout_attempts: int,
                        lockout_minutes: int) -> bool:
    """Count a wrong password; returns True when this failure locked the account."""
    user = _find(session, username)
    if user is None:
        audit.record(session, actor=username[:64] or "?", action="auth.login_failed",
                     entity_type="user", entity_id=username[:128], after={"known": False})
        return False
    now = utcnow()
    if user.locked_until is not None and user.locked_until <= now:
        user.failed_attempts, user.locked_until = 0, None  # the old lock ran out
    user.failed_attempts += 1
    locked = user.failed_attempts >= lockout_attempts
    if locked:
        user.locked_until = now + timedelta(minutes=lockout_minutes)
    session.add(user)
    audit.record(session, actor=username, action="auth.login_failed", entity_type="user",
                 entity_id=username, after={"failed_attempts": user.failed_attempts})
    if locked:
        audit.record(session, actor="system", action="auth.locked", entity_type="user",
                     entity_id=username, after={"locked_until": user.locked_until})
    return locked


def record_cookie_login(username: str, *, session: Session, accepted: bool) -> None:
    """A login from the re-login cookie (refused when its session was revoked)."""
    audit.record(session, actor=username[:64] or "?",
                 action="auth.login_cookie" if accepted else "auth.login_cookie_refused",
                 entity_type="user", entity_id=username[:128])


def record_logout(username: str, *, session: Session) -> None:
    audit.record(session, actor=username, action="auth.logout", entity_type="user", entity_id=username)


# ---- account changes ----------------------------------------------------------------------

def create_user(*, session: Session, actor: str, actor_scope: Scope, data: UserCreate,
                rounds: int = 12) -> UserPublic:
    data = UserCreate.model_validate(data.model_dump())
    validate_new_password(data.password)
    roles = _check_roles([r.strip() for r in data.roles.split(",") if r.strip()])
    if session.execute(select(User.id).where(User.username == data.username)).first():
        raise UserError("users.err_exists", username=data.username)
    _check_scope(session, actor_scope, data.region_code, data.department_id)
    user = User(**data.model_dump(exclude={"password", "roles"}), roles=roles,
                password_hash=hash_password(data.password, rounds=rounds))
    session.add(user)
    session.flush()
    audit.record(session, actor=actor, action="user.create", entity_type="user",
                 entity_id=user.username, after=_snapshot(user))
    return _public(user)


def _load_in_scope(session: Session, actor_scope: Scope, username: str) -> User:
    user = _find(session, username)
    if user is None or not actor_scope.allows_region(user.region_code):
        raise UserError("users.err_not_found", username=username)
    return user


def update_user(*, session: Session, actor: str, actor_scope: Scope, username: str,
                display_name: str, roles: list[str], region_code: str,
                department_id: int | None, active: bool) -> UserPublic:
    role_text = _check_roles(roles)
    if not display_name.strip():
        raise UserError("users.err_display_name")
    user = _load_in_scope(session, actor_scope, username)
    _check_scope(session, actor_scope, region_code, department_id)
    if username == actor and ("admin" not in roles or not active):
        raise UserError("users.err_self_lockout")
    before = _snapshot(user)
    user.display_name, user.roles = display_name.strip(), role_text
    user.region_code, user.department_id, user.active = region_code, department_id, active
    if active:
        user.failed_attempts, user.locked_until = 0, None
    session.add(user)
    audit.record(session, actor=actor, action="user.update", entity_type="user",
                 entity_id=username, before=before, after=_snapshot(user))
    return _public(user)


def reset_password(*, session: Session, actor: str, actor_scope: Scope, username: str,
                   new_password: str) -> None:
    validate_new_password(new_password)
    user = _load_in_scope(session, actor_scope, username)
    user.password_hash = hash_password(new_password)
    user.failed_attempts, user.locked_until = 0, None
    user.sessions_valid_from = utcnow()  # logged-in sessions and cookies end here
    session.add(user)
    audit.record(session, actor=actor, action="user.reset_password", entity_type="user",
                 entity_id=username)


def change_own_password(*, session: Session, username: str, current: str, new: str) -> None:
    user = _find(session, username)
    if user is None or not check_password(current, user.password_hash):
        raise UserError("account.err_current_wrong")
    if current == new:
        raise UserError("account.err_same")
    validate_new_password(new)
    user.password_hash = hash_password(new)
    user.sessions_valid_from = utcnow()  # every other session and copied cookie ends here
    session.add(user)
    audit.record(session, actor=username, action="user.change_password", entity_type="user",
                 entity_id=username)

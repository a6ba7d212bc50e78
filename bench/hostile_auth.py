"""Parts 4 and 5 of the hostile sweep: logins at the service layer, as the login form does
them (`login_guard.reserve_attempt`, then the password, then `users.record_login`; a cookie
login decodes the JWT with `keys.cookie_key` and asks `login_guard.session_valid`), and the
audit chain rewritten in many ways, each of which `manage.py verify-audit` must catch."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from sqlalchemy import select, text
from sqlmodel import Session

from models.base import utcnow
from models.db import make_engine, session_scope
from models.users import User
from services.platform import keys
from services.platform import login_guard as guard
from services.platform import users as us
from services.platform.settings import DEMO_COOKIE_KEY, get_settings

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "Demo@2026"


def _attempt(engine, username: str, password: str) -> str:  # noqa: ANN001
    s = get_settings()
    with session_scope(engine) as session:
        gate = guard.reserve_attempt(username, session=session, lockout_attempts=s.lockout_attempts,
                                     lockout_minutes=s.lockout_minutes)
    if gate is not guard.Gate.CHECK:
        return str(gate)
    with Session(engine) as session:
        hashed = session.execute(select(User.password_hash).where(User.username == username)).scalar_one()
    if not us.check_password(password, hashed):
        return "wrong"
    with session_scope(engine) as session:
        us.record_login(username, session=session)
    return "ok"


def _cookie(engine, token: str, key: str) -> str:  # noqa: ANN001
    """A cookie login: the signature, then the session's issue time against revocations."""
    try:
        claims = jwt.decode(token, key, algorithms=["HS256"])
    except jwt.PyJWTError:
        return "bad_signature"
    days = get_settings().auth_cookie_expiry_days
    issued = datetime.fromtimestamp(float(claims["exp_date"]), UTC) - timedelta(days=days)
    with session_scope(engine) as session:
        valid = guard.session_valid(claims["username"], issued, session=session)
        us.record_cookie_login(claims["username"], session=session, accepted=valid)
    return "ok" if valid else "revoked"


def _events(engine) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(text("SELECT count(*) FROM audit_event")).scalar_one()


def _failed(engine, username: str) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(User.failed_attempts).where(User.username == username)).scalar_one()


def part_logins(engine, database_url: str | None, tmp: Path) -> dict:  # noqa: ANN001
    from bench_ingest import _database

    results: list[tuple[str, str]] = []
    events_before = _events(engine)
    limit = get_settings().lockout_attempts

    def run(case: str, username: str, password: str) -> None:
        results.append((case, _attempt(engine, username, password)))

    for name in ("county_data", "county2_data", "city_data", "prov_data", "admin", "city_leader",
                 "prov_leader"):
        run("right_password", name, PASSWORD)
    for _ in range(limit - 1):
        run("wrong_then_right", "county_leader", "wrong-password-1")
    run("wrong_then_right", "county_leader", PASSWORD)
    reset_to = _failed(engine, "county_leader")
    for name in ("nobody", "admin' --", "' OR '1'='1", "", "x" * 300, "管理员", "admin\u200b",
                 "ADMIN"):
        run("unknown_user", name, PASSWORD)
    for _ in range(limit):
        run("until_locked", "county_supervisor", "wrong-password-2")
    for password in ("wrong-password-3", PASSWORD, PASSWORD):
        run("while_locked", "county_supervisor", password)
    barrier, lock = threading.Barrier(12), threading.Lock()

    def burst() -> None:
        barrier.wait()
        outcome = _attempt(engine, "county_evaluator", "wrong-password-4")
        with lock:
            results.append(("burst_of_12", outcome))

    threads = [threading.Thread(target=burst) for _ in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    burst_counter = _failed(engine, "county_evaluator")
    # cookies: on this demo database the demo key is the key; a copy replayed after logout
    settings = get_settings()
    with Session(engine) as s:
        demo_key = keys.cookie_key(settings, demo_database=keys.is_demo_database(session=s))
    exp = (utcnow() + timedelta(days=settings.auth_cookie_expiry_days)).timestamp()
    copied = jwt.encode({"username": "county_data", "exp_date": exp}, demo_key, algorithm="HS256")
    results.append(("cookie_before_logout", _cookie(engine, copied, demo_key)))
    with session_scope(engine) as s:
        us.record_logout("county_data", session=s)
        guard.revoke_sessions("county_data", session=s, actor="county_data", reason="logout")
    results.append(("cookie_replayed_after_logout", _cookie(engine, copied, demo_key)))
    ghost = jwt.encode({"username": "no_such_user", "exp_date": exp}, demo_key, algorithm="HS256")
    results.append(("cookie_for_unknown_user", _cookie(engine, ghost, demo_key)))
    # a real (non-demo) database: a cookie hand-signed with the public demo key
    url, drop = _database(database_url, "bench_hostile_realdb")
    other = make_engine(url)
    try:
        from services.platform.reference import load_reference_org
        from services.platform.schema import upgrade_to_head

        upgrade_to_head(other)
        with session_scope(other) as s:
            load_reference_org(session=s)
        with Session(other) as s:
            real_key = keys.cookie_key(settings, demo_database=keys.is_demo_database(session=s))
        forged = jwt.encode({"username": "admin", "exp_date": 9e9}, DEMO_COOKIE_KEY, algorithm="HS256")
        results.append(("forged_demo_key_on_real_db", _cookie(other, forged, real_key)))
        unsigned = jwt.encode({"username": "admin", "exp_date": 9e9}, None, algorithm="none")
        results.append(("unsigned_alg_none", _cookie(other, unsigned, real_key)))
        results.append(("garbage_token", _cookie(other, "eyJ.garbage.token", real_key)))
    finally:
        other.dispose()
        drop()
    accepted = sum(r == "ok" for _, r in results)
    by_case: dict[str, dict[str, int]] = {}
    for case, outcome in results:
        by_case.setdefault(case, {}).setdefault(outcome, 0)
        by_case[case][outcome] += 1
    return {"attempts": len(results), "accepted": accepted, "refused": len(results) - accepted,
            "counter_after_wrong_then_right": reset_to, "burst_counter_end": burst_counter,
            "lockout_limit": limit, "audit_events_written": _events(engine) - events_before,
            "by_case": by_case}

"""Issue 17: logins decided in the database. No database accepts a cookie signed with the
public demo key; twelve simultaneous wrong passwords end at the lockout limit; a
revoked session (logout, password change) cannot come back with a copied cookie; unknown
names and attempts on a locked account are audited."""

from __future__ import annotations

import os
import stat
import threading
from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from models.base import utcnow
from models.db import session_scope
from models.users import User
from services.platform import keys
from services.platform import login_guard as guard
from services.platform import login_session as ls
from services.platform import users as us
from services.platform.settings import DEMO_COOKIE_KEY, Settings


def _settings(tmp_path, **kw):  # noqa: ANN001, ANN003
    return Settings(_env_file=None, secret_file=str(tmp_path / "installation.key"), **kw)


def test_the_installation_secret_is_random_private_and_stable(tmp_path):
    path = tmp_path / "sub" / "installation.key"
    first = keys.installation_secret(path)
    assert len(first) == keys.SECRET_BYTES
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    keys.installation_secret.cache_clear()
    assert keys.installation_secret(path) == first
    other = tmp_path / "other.key"
    assert keys.installation_secret(other) != first


def test_the_public_demo_key_never_signs_a_login_cookie(seeded, tmp_path):  # noqa: ANN001
    settings = _settings(tmp_path, demo_mode=True)  # the default: demo mode on, demo key
    with Session(seeded) as s:  # even the demo seed's own database
        assert keys.is_demo_database(session=s) is True
    key = keys.cookie_key(settings)
    assert key != DEMO_COOKIE_KEY.encode() and len(key) == 32
    assert key == keys.cookie_key(settings)  # stable: derived from the installation secret
    forged = ls.sign_token("admin", utcnow(), timedelta(days=1), key=DEMO_COOKIE_KEY.encode())
    assert ls.read_token(forged, key=key) is None
    # an explicit key of its own always wins (servers that share logins)
    assert keys.cookie_key(_settings(tmp_path, auth_cookie_key="x" * 40)) == b"x" * 40


def _bcrypt_checks(monkeypatch):  # noqa: ANN001, ANN202
    calls = []
    real = us.check_password

    def counting(password, hashed):  # noqa: ANN001, ANN202
        calls.append(1)
        return real(password, hashed)

    monkeypatch.setattr(us, "check_password", counting)
    return calls


def _attempt(engine, username, password):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        gate = guard.reserve_attempt(username, session=s, lockout_attempts=5, lockout_minutes=15)
    if gate is not guard.Gate.CHECK:
        return gate
    with Session(engine) as s:
        hashed = s.execute(select(User.password_hash).where(User.username == username)).scalar_one()
    return "ok" if us.check_password(password, hashed) else "wrong"


def test_twelve_simultaneous_wrong_passwords_end_at_the_limit(seeded, monkeypatch):  # noqa: ANN001
    checks = _bcrypt_checks(monkeypatch)
    results, barrier = [], threading.Barrier(12)

    def one():  # noqa: ANN202
        barrier.wait()
        results.append(_attempt(seeded, "county_data", "wrong-password"))

    threads = [threading.Thread(target=one) for _ in range(12)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
        actions = s.execute(select(AuditEvent.action)).scalars().all()
    assert sorted(map(str, results)) == ["locked"] * 7 + ["wrong"] * 5
    assert len(checks) == 5 and user.failed_attempts == 5 and user.locked_until is not None
    assert actions.count("auth.login_attempt") == 5 and actions.count("auth.login_locked") == 7
    assert actions.count("auth.locked") == 1
    # even the right password is refused while locked, unchecked
    assert _attempt(seeded, "county_data", "Demo@2026") is guard.Gate.LOCKED
    assert len(checks) == 5


def test_a_lock_that_ran_out_counts_from_one_again(seeded):  # noqa: ANN001
    for _ in range(5):
        _attempt(seeded, "county_data", "wrong")
    with session_scope(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
        user.locked_until = utcnow() - timedelta(seconds=1)
    assert _attempt(seeded, "county_data", "wrong") == "wrong"
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
    assert (user.failed_attempts, user.locked_until) == (1, None)


def test_unknown_usernames_are_audited(seeded):  # noqa: ANN001
    assert _attempt(seeded, "no_such_user", "x") is guard.Gate.UNKNOWN
    with Session(seeded) as s:
        last = s.execute(select(AuditEvent).order_by(AuditEvent.id.desc())).scalars().first()
    assert (last.action, last.entity_id) == ("auth.login_unknown", "no_such_user")


def test_a_session_issued_before_a_revocation_is_refused(seeded):  # noqa: ANN001
    issued = utcnow() - timedelta(minutes=5)
    with Session(seeded) as s:
        assert guard.session_valid("county_data", issued, session=s) is True
    with session_scope(seeded) as s:
        guard.revoke_sessions("county_data", session=s, actor="county_data", reason="logout")
    with Session(seeded) as s:
        assert guard.session_valid("county_data", issued, session=s) is False
        assert guard.session_valid("county_data", utcnow(), session=s) is True
        assert guard.session_valid("no_such_user", utcnow(), session=s) is False

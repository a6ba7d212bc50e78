"""Accounts: creation rules, password changes, lockout after 5 failures for 15 minutes."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlmodel import Session

from models.audit import AuditEvent
from models.base import utcnow
from models.db import session_scope
from models.users import User, UserCreate, UserPublic
from services.platform import users as us
from services.platform.scope import ALL


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def stored(engine, username) -> User:
    """The ORM row, for the internals `UserPublic` keeps from pages (hash, failure count)."""
    with Session(engine) as s:
        return s.execute(select(User).where(User.username == username)).scalar_one()


def _actions(engine):
    with Session(engine) as s:
        return s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()


def test_five_failures_lock_for_fifteen_minutes(seeded):
    for _ in range(4):
        assert act(seeded, us.record_failed_login, "county_data", lockout_attempts=5, lockout_minutes=15) is False
    assert act(seeded, us.locked_until, "county_data") is None
    before = utcnow()
    assert act(seeded, us.record_failed_login, "county_data", lockout_attempts=5, lockout_minutes=15) is True
    after = utcnow()
    until = act(seeded, us.locked_until, "county_data")
    user = stored(seeded, "county_data")
    assert until is not None and user.failed_attempts == 5
    # fifteen minutes from the fifth failure (before: the lock time was compared with itself)
    assert before + timedelta(minutes=15) <= until <= after + timedelta(minutes=15)
    assert user.locked_until == until
    accounts = {a.username: a for a in act(seeded, us.login_accounts, lockout_attempts=5)}
    assert accounts["county_data"].failed_attempts == 5  # the login widget refuses at 5
    assert _actions(seeded)[-2:] == ["auth.login_failed", "auth.locked"]


def test_lock_runs_out(seeded):
    for _ in range(5):
        act(seeded, us.record_failed_login, "county_data", lockout_attempts=5, lockout_minutes=15)
    expired = act(seeded, us.get_user, "county_data").locked_until - timedelta(minutes=16)
    with Session(seeded) as s:
        s.execute(update(User).where(User.username == "county_data").values(locked_until=expired))
        s.commit()
    assert act(seeded, us.locked_until, "county_data") is None
    accounts = {a.username: a for a in act(seeded, us.login_accounts, lockout_attempts=5)}
    assert accounts["county_data"].failed_attempts == 0
    # the next failure starts counting from one again
    assert act(seeded, us.record_failed_login, "county_data", lockout_attempts=5, lockout_minutes=15) is False
    assert stored(seeded, "county_data").failed_attempts == 1


def test_successful_login_resets_the_count(seeded):
    act(seeded, us.record_failed_login, "city_data", lockout_attempts=5, lockout_minutes=15)
    act(seeded, us.record_login, "city_data")
    user = stored(seeded, "city_data")
    assert (user.failed_attempts, user.locked_until) == (0, None)
    assert user.last_login_at is not None


def test_unknown_username_failure_is_audited(seeded):
    assert act(seeded, us.record_failed_login, "nobody", lockout_attempts=5, lockout_minutes=15) is False
    assert _actions(seeded)[-1] == "auth.login_failed"


def test_create_user_checks_scope_roles_and_password(seeded):
    city = act(seeded, us.user_scope, act(seeded, us.get_user, "city_leader"))
    data = dict(username="zhang.san", display_name="张三", roles="leader", region_code="210200",
                password="Secret123")
    with pytest.raises(us.UserError) as err:
        act(seeded, us.create_user, actor="city_leader", actor_scope=city, data=UserCreate(**data), rounds=4)
    assert err.value.key == "users.err_out_of_scope"
    with pytest.raises(us.UserError) as err:
        act(seeded, us.create_user, actor="admin", actor_scope=ALL,
                       data=UserCreate(**data | {"password": "onlyletters"}), rounds=4)
    assert err.value.key == "users.err_password_weak"
    with pytest.raises(us.UserError) as err:
        act(seeded, us.create_user, actor="admin", actor_scope=ALL,
                       data=UserCreate(**data | {"roles": "leader,king"}), rounds=4)
    assert err.value.key == "users.err_roles"
    user = act(seeded, us.create_user, actor="admin", actor_scope=ALL, data=UserCreate(**data), rounds=4)
    assert (user.username, user.roles, user.region_code) == ("zhang.san", "leader", "210200")
    assert us.check_password("Secret123", stored(seeded, "zhang.san").password_hash)
    with pytest.raises(us.UserError) as err:
        act(seeded, us.create_user, actor="admin", actor_scope=ALL, data=UserCreate(**data), rounds=4)
    assert err.value.key == "users.err_exists"


def test_department_must_belong_to_region(seeded):
    dept_elsewhere = act(seeded, us.get_user, "county2_data").department_id
    with pytest.raises(us.UserError) as err:
        act(seeded, us.create_user, actor="admin", actor_scope=ALL, rounds=4, data=UserCreate(
            username="li.si", display_name="李四", roles="data_officer", region_code="210102",
            department_id=dept_elsewhere, password="Secret123"))
    assert err.value.key == "users.err_department"


def test_deactivate_and_reset(seeded):
    act(seeded, us.update_user, actor="admin", actor_scope=ALL, username="county_leader",
                   display_name="和平区领导", roles=["leader", "evaluator"], region_code="210102",
                   department_id=None, active=False)
    user = act(seeded, us.get_user, "county_leader")
    assert (user.active, user.roles) == (False, "leader,evaluator")
    assert "county_leader" not in {a.username for a in act(seeded, us.login_accounts, lockout_attempts=5)}
    act(seeded, us.reset_password, actor="admin", actor_scope=ALL, username="county_leader", new_password="NewPass99")
    assert us.check_password("NewPass99", stored(seeded, "county_leader").password_hash)
    assert _actions(seeded)[-2:] == ["user.update", "user.reset_password"]


def test_admin_cannot_lock_self_out(seeded):
    with pytest.raises(us.UserError) as err:
        act(seeded, us.update_user, actor="admin", actor_scope=ALL, username="admin", display_name="x",
                       roles=["leader"], region_code="210000", department_id=None, active=True)
    assert err.value.key == "users.err_self_lockout"


def test_change_own_password(seeded):
    with pytest.raises(us.UserError) as err:
        act(seeded, us.change_own_password, username="city_data", current="wrong", new="Another123")
    assert err.value.key == "account.err_current_wrong"
    act(seeded, us.change_own_password, username="city_data", current="Demo@2026", new="Another123")
    assert us.check_password("Another123", stored(seeded, "city_data").password_hash)


def test_reads_hand_out_no_password_hash_nor_failure_count(seeded):
    act(seeded, us.record_failed_login, "city_data", lockout_attempts=5, lockout_minutes=15)
    user = act(seeded, us.get_user, "city_data")
    assert isinstance(user, UserPublic) and not isinstance(user, User)
    assert not hasattr(user, "password_hash") and not hasattr(user, "failed_attempts")
    assert (user.username, user.region_code, user.active) == ("city_data", "210100", True)

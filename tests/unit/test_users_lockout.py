"""Accounts: creation rules, password changes, lockout after 5 failures for 15 minutes."""

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlmodel import Session

from models.audit import AuditEvent
from models.users import User, UserCreate
from services.platform import users as us
from services.platform.scope import ALL


def _actions(engine):
    with Session(engine) as s:
        return s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars().all()


def test_five_failures_lock_for_fifteen_minutes(seeded):
    for _ in range(4):
        assert us.record_failed_login(seeded, "county_data", lockout_attempts=5, lockout_minutes=15) is False
    assert us.locked_until(seeded, "county_data") is None
    assert us.record_failed_login(seeded, "county_data", lockout_attempts=5, lockout_minutes=15) is True
    until = us.locked_until(seeded, "county_data")
    user = us.get_user(seeded, "county_data")
    assert until is not None and user.failed_attempts == 5
    assert timedelta(minutes=14, seconds=50) < until - user.locked_until + timedelta(minutes=15) <= timedelta(minutes=15, seconds=10)
    accounts = {a.username: a for a in us.login_accounts(seeded, lockout_attempts=5)}
    assert accounts["county_data"].failed_attempts == 5  # the login widget refuses at 5
    assert _actions(seeded)[-2:] == ["auth.login_failed", "auth.locked"]


def test_lock_runs_out(seeded):
    for _ in range(5):
        us.record_failed_login(seeded, "county_data", lockout_attempts=5, lockout_minutes=15)
    expired = us.get_user(seeded, "county_data").locked_until - timedelta(minutes=16)
    with Session(seeded) as s:
        s.execute(update(User).where(User.username == "county_data").values(locked_until=expired))
        s.commit()
    assert us.locked_until(seeded, "county_data") is None
    accounts = {a.username: a for a in us.login_accounts(seeded, lockout_attempts=5)}
    assert accounts["county_data"].failed_attempts == 0
    # the next failure starts counting from one again
    assert us.record_failed_login(seeded, "county_data", lockout_attempts=5, lockout_minutes=15) is False
    assert us.get_user(seeded, "county_data").failed_attempts == 1


def test_successful_login_resets_the_count(seeded):
    us.record_failed_login(seeded, "city_data", lockout_attempts=5, lockout_minutes=15)
    us.record_login(seeded, "city_data")
    user = us.get_user(seeded, "city_data")
    assert (user.failed_attempts, user.locked_until) == (0, None)
    assert user.last_login_at is not None


def test_unknown_username_failure_is_audited(seeded):
    assert us.record_failed_login(seeded, "nobody", lockout_attempts=5, lockout_minutes=15) is False
    assert _actions(seeded)[-1] == "auth.login_failed"


def test_create_user_checks_scope_roles_and_password(seeded):
    city = us.user_scope(seeded, us.get_user(seeded, "city_leader"))
    data = dict(username="zhang.san", display_name="张三", roles="leader", region_code="210200",
                password="Secret123")
    with pytest.raises(us.UserError) as err:
        us.create_user(seeded, actor="city_leader", actor_scope=city, data=UserCreate(**data), rounds=4)
    assert err.value.key == "users.err_out_of_scope"
    with pytest.raises(us.UserError) as err:
        us.create_user(seeded, actor="admin", actor_scope=ALL,
                       data=UserCreate(**data | {"password": "onlyletters"}), rounds=4)
    assert err.value.key == "users.err_password_weak"
    with pytest.raises(us.UserError) as err:
        us.create_user(seeded, actor="admin", actor_scope=ALL,
                       data=UserCreate(**data | {"roles": "leader,king"}), rounds=4)
    assert err.value.key == "users.err_roles"
    user = us.create_user(seeded, actor="admin", actor_scope=ALL, data=UserCreate(**data), rounds=4)
    assert (user.username, user.roles, user.region_code) == ("zhang.san", "leader", "210200")
    assert us.check_password("Secret123", us.get_user(seeded, "zhang.san").password_hash)
    with pytest.raises(us.UserError) as err:
        us.create_user(seeded, actor="admin", actor_scope=ALL, data=UserCreate(**data), rounds=4)
    assert err.value.key == "users.err_exists"


def test_department_must_belong_to_region(seeded):
    dept_elsewhere = us.get_user(seeded, "county2_data").department_id
    with pytest.raises(us.UserError) as err:
        us.create_user(seeded, actor="admin", actor_scope=ALL, rounds=4, data=UserCreate(
            username="li.si", display_name="李四", roles="data_officer", region_code="210102",
            department_id=dept_elsewhere, password="Secret123"))
    assert err.value.key == "users.err_department"


def test_deactivate_and_reset(seeded):
    us.update_user(seeded, actor="admin", actor_scope=ALL, username="county_leader",
                   display_name="和平区领导", roles=["leader", "evaluator"], region_code="210102",
                   department_id=None, active=False)
    user = us.get_user(seeded, "county_leader")
    assert (user.active, user.roles) == (False, "leader,evaluator")
    assert "county_leader" not in {a.username for a in us.login_accounts(seeded, lockout_attempts=5)}
    us.reset_password(seeded, actor="admin", actor_scope=ALL, username="county_leader", new_password="NewPass99")
    assert us.check_password("NewPass99", us.get_user(seeded, "county_leader").password_hash)
    assert _actions(seeded)[-2:] == ["user.update", "user.reset_password"]


def test_admin_cannot_lock_self_out(seeded):
    with pytest.raises(us.UserError) as err:
        us.update_user(seeded, actor="admin", actor_scope=ALL, username="admin", display_name="x",
                       roles=["leader"], region_code="210000", department_id=None, active=True)
    assert err.value.key == "users.err_self_lockout"


def test_change_own_password(seeded):
    with pytest.raises(us.UserError) as err:
        us.change_own_password(seeded, username="city_data", current="wrong", new="Another123")
    assert err.value.key == "account.err_current_wrong"
    us.change_own_password(seeded, username="city_data", current="Demo@2026", new="Another123")
    assert us.check_password("Another123", us.get_user(seeded, "city_data").password_hash)

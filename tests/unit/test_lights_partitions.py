"""Issue 12, the partition contract: after random edits of the seeded demo, the sync of the
touched departments (`sync_partitions`) leaves the alert table exactly as a full sync does.

Checked as a fixed point: the partitioned sync runs first, then a full sync over the same data;
the full sync must find nothing to do (no new, updated, reopened, cleared or refreshed alert)
and the alert table (key, level, status, department, facts) must be unchanged by it. Edits are
written straight into the tables (each records the departments it touched, before and after),
so any rule declared `partition="department"` that secretly depends on another department's
rows, or a loader that reads the wrong rows, makes the full sync change something."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Connection, func, select, text
from sqlalchemy.engine import Engine

from metrics.lights.registry import RULES
from models.lights import Alert
from services.lights.sync import sync_alerts, sync_partitions


def _pick(conn: Connection, sql: str, n: int) -> tuple | None:
    rows = conn.execute(text(sql)).all()
    return tuple(rows[n % len(rows)]) if rows else None


def _depts(conn: Connection, sql: str, **params) -> set[int]:
    return {d for (d,) in conn.execute(text(sql), params) if d is not None}


def move_case(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM approval_case ORDER BY id", n)
    other = _pick(conn, "SELECT id FROM department ORDER BY id", n // 7)
    conn.execute(text("UPDATE approval_case SET department_id = :d WHERE id = :i"),
                 {"d": other[0], "i": row[0]})
    return {row[1], other[0]}


def overcharge_case(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM approval_case ORDER BY id", n)
    conn.execute(text("UPDATE approval_case SET fee_charged = :f WHERE id = :i"),
                 {"f": str(Decimal(n % 5000) + Decimal("0.50")), "i": row[0]})
    return {row[1]}


def reopen_case(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM approval_case ORDER BY id", n)
    status = ("in_progress", "rejected", "approved")[n % 3]
    finished = "NULL" if status == "in_progress" else "COALESCE(finished_at, received_at)"
    conn.execute(text(f"UPDATE approval_case SET status = :s, reject_reason = NULL, "
                      f"finished_at = {finished} WHERE id = :i"), {"s": status, "i": row[0]})
    return {row[1]}


def drop_steps(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT c.id, c.department_id FROM approval_case c "
                      "WHERE EXISTS (SELECT 1 FROM case_step s WHERE s.case_id = c.id) "
                      "ORDER BY c.id", n)
    if row is None:
        return set()
    conn.execute(text("DELETE FROM case_step WHERE case_id = :i AND seq = "
                      "(SELECT MAX(seq) FROM case_step WHERE case_id = :i)"), {"i": row[0]})
    return {row[1]}


def copy_payment(conn: Connection, n: int) -> set[int]:
    """A second payment like an existing one (a duplicate for FD-R2, a split for FD-Y1)."""
    row = _pick(conn, "SELECT p.id, f.department_id FROM fund_payment p "
                      "JOIN special_fund f ON f.id = p.fund_id ORDER BY p.id", n)
    conn.execute(text("INSERT INTO fund_payment (fund_id, recipient_name, recipient_uscc, "
                      "amount, paid_on, voucher) SELECT fund_id, recipient_name, "
                      "recipient_uscc, amount, paid_on, :v FROM fund_payment "
                      "WHERE id = :i"), {"v": f"PROP-{n}-{row[0]}", "i": row[0]})
    return {row[1]}


def drop_payment(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT p.id, f.department_id FROM fund_payment p "
                      "JOIN special_fund f ON f.id = p.fund_id ORDER BY p.id", n)
    conn.execute(text("DELETE FROM fund_payment WHERE id = :i"), {"i": row[0]})
    return {row[1]}


def move_fund(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM special_fund ORDER BY id", n)
    other = _pick(conn, "SELECT id FROM department ORDER BY id", n // 3)
    conn.execute(text("UPDATE special_fund SET department_id = :d WHERE id = :i"),
                 {"d": other[0], "i": row[0]})
    return {row[1], other[0]}


def strip_measures(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT r.id, p.department_id FROM risk_point r "
                      "JOIN power p ON p.id = r.power_id ORDER BY r.id", n)
    conn.execute(text("UPDATE risk_point SET measures = :m WHERE id = :i"),
                 {"m": "" if n % 2 else "专人复核", "i": row[0]})
    return {row[1]}


def unrectify(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM inspection ORDER BY id", n)
    if row is None:
        return set()
    conn.execute(text("UPDATE inspection SET rectified_on = NULL WHERE id = :i"), {"i": row[0]})
    return {row[1]}


def drop_flow_step(conn: Connection, n: int) -> set[int]:
    """A power's flow loses its last step: the power's department (PW-Y2) and every department
    with cases of that power (AP-R2 compares a case's steps with its power's flow)."""
    row = _pick(conn, "SELECT p.id, p.department_id FROM power p WHERE EXISTS "
                      "(SELECT 1 FROM power_step s WHERE s.power_id = p.id) ORDER BY p.id", n)
    last = conn.execute(text("SELECT MAX(seq) FROM power_step WHERE power_id = :p"),
                        {"p": row[0]}).scalar_one()
    conn.execute(text("DELETE FROM power_edge WHERE power_id = :p AND (from_seq = :s "
                      "OR to_seq = :s)"), {"p": row[0], "s": last})
    conn.execute(text("DELETE FROM power_step WHERE power_id = :p AND seq = :s"),
                 {"p": row[0], "s": last})
    return {row[1]} | _depts(conn, "SELECT DISTINCT department_id FROM approval_case "
                                   "WHERE power_id = :p", p=row[0])


EDITS = [move_case, overcharge_case, reopen_case, drop_steps, copy_payment, drop_payment,
         move_fund, strip_measures, unrectify, drop_flow_step]


def _alerts(engine: Engine) -> set[tuple]:
    a = Alert
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(
            a.rule_id, a.subject_type, a.subject_id, a.level, a.status, a.department_id,
            a.region_code, a.facts, a.facts_hash, a.rule_version))}


def test_the_partition_contract_is_declared():
    """Every rule declares a partition; the population rule AP-Y6 (quartile fences across
    departments) is global, the per-case and per-fund rules of S4 are by department."""
    assert {r.partition for r in RULES.values()} <= {"department", "global"}
    assert RULES["AP-Y6"].partition == "global"
    assert {i for i, r in RULES.items() if r.partition == "department"} == {
        "AP-R1", "AP-R2", "AP-R3", "AP-Y1", "AP-Y2", "AP-Y3", "AP-Y4", "AP-Y5", "AP-Y7",
        "FD-R1", "FD-R2", "FD-Y1", "FD-Y2", "FD-Y3",
        "PW-R1", "PW-R2", "PW-Y1", "PW-Y2", "PW-Y3"}


@pytest.fixture
def synced(seeded):
    sync_alerts(seeded, actor="test")
    return seeded


@settings(max_examples=10, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(edits=st.lists(st.tuples(st.sampled_from(EDITS), st.integers(0, 10**6)),
                      min_size=1, max_size=5))
def test_partitioned_sync_equals_full_sync_after_random_edits(synced, edits):
    touched: set[int] = set()
    with synced.begin() as conn:
        for edit, n in edits:
            touched |= edit(conn, n)
    part = sync_partitions(synced, departments=touched, actor="test")
    after_part = _alerts(synced)
    full = sync_alerts(synced, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared, full.refreshed) == \
        (0, 0, 0, 0, 0), (edits, part)
    assert _alerts(synced) == after_part


def test_partitioned_sync_reads_and_clears_only_its_departments(synced):
    """A case moved out of its department: the old department's alert on it clears and the new
    department's opens, and an untouched department's alerts are neither read nor written."""
    with synced.connect() as conn:
        case_no, dept = conn.execute(text(
            "SELECT subject_id, department_id FROM alert WHERE rule_id = 'AP-R3' "
            "AND status = 'open' ORDER BY id LIMIT 1")).one()
        other = conn.execute(text("SELECT MIN(id) FROM department WHERE id <> :d"),
                             {"d": dept}).scalar_one()
        untouched = conn.execute(select(func.count()).select_from(Alert).where(
            Alert.department_id.not_in([dept, other]))).scalar_one()
    with synced.begin() as conn:
        conn.execute(text("UPDATE approval_case SET department_id = :d WHERE case_no = :c"),
                     {"d": other, "c": case_no})
    result = sync_partitions(synced, departments={dept}, actor="test")
    assert (result.cleared, result.new) == (1, 0)
    with synced.connect() as conn:
        status = conn.execute(select(Alert.status).where(
            Alert.rule_id == "AP-R3", Alert.subject_id == case_no)).scalar_one()
        assert status == "cleared"
    result = sync_partitions(synced, departments={other}, actor="test")
    assert (result.cleared, result.reopened) == (0, 1)
    with synced.connect() as conn:
        row = conn.execute(select(Alert.status, Alert.department_id).where(
            Alert.rule_id == "AP-R3", Alert.subject_id == case_no)).one()
        assert tuple(row) == ("open", other)
        assert conn.execute(select(func.count()).select_from(Alert).where(
            Alert.department_id.not_in([dept, other]))).scalar_one() == untouched

"""Issue 12, the partition contract: after random edits of the seeded demo, the sync of the
touched departments (`sync_partitions`) leaves the alert table exactly as a full sync does.

Checked as a fixed point: the partitioned sync runs first, then a full sync over the same data;
the full sync must find nothing to do (no new, updated, reopened, cleared or refreshed alert)
and the alert table (key, level, status, department, facts) must be unchanged by it. Edits are
written straight into the tables (each records the departments it touched, before and after),
so any rule declared `partition="department"` that secretly depends on another department's
rows, or a loader that reads the wrong rows, makes the full sync change something. The edits are in
tests/unit/partition_edits.py."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from metrics.lights.registry import RULES
from models.lights import Alert
from services.lights.sync import sync_alerts, sync_partitions
from tests.unit.partition_edits import AP_Y6_EDITS, EDITS, S2_EDITS, S5_LC_EDITS, alert_table, slow_down


def test_the_partition_contract_is_declared():
    """Every rule declares a partition; AP-Y6's quartile fences across the departments of a
    power item are by group (the touched departments' items); the population rules over the
    whole register or matters spanning departments (Cardinal's fences, FB-R3) are global; the
    per-case, per-fund, per-ticket, per-order and per-process rules are by department."""
    assert {r.partition for r in RULES.values()} == {"department", "group", "global"}
    assert {(i, r.group) for i, r in RULES.items() if r.partition == "group"} == {("AP-Y6", "power_item")}
    assert {i for i, r in RULES.items() if r.partition == "global"} == {
        "FB-R3", "R024", "R025", "R038", "R048", "R058"}
    assert {i for i, r in RULES.items() if r.partition == "department"} == {
        "AP-R1", "AP-R2", "AP-R3", "AP-Y1", "AP-Y2", "AP-Y3", "AP-Y4", "AP-Y5", "AP-Y7",
        "FD-R1", "FD-R2", "FD-Y1", "FD-Y2", "FD-Y3",
        "PW-R1", "PW-R2", "PW-Y1", "PW-Y2", "PW-Y3",
        "FB-R1", "FB-R2", "FB-Y1", "FB-Y2", "FB-Y3", "FB-Y4", "FB-Y5", "LC-R1",
        "TR-R1", "TR-R2", "TR-R3", "TR-R4", "TR-R5", "TR-R6", "TR-R7", "TR-R8", "TR-R9",
        "TR-R10", "TR-Y1", "R003", "R018", "R028", "R030", "R035", "R036", "R044"}


@pytest.fixture
def synced(seeded):
    sync_alerts(seeded, actor="test")
    return seeded


def _partitioned_equals_full(engine: Engine, edits: list) -> None:
    touched: set[int] = set()
    with engine.begin() as conn:
        for edit, n in edits:
            touched |= edit(conn, n)
    part = sync_partitions(engine, departments=touched, actor="test")
    after_part = alert_table(engine)
    full = sync_alerts(engine, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared, full.refreshed) == \
        (0, 0, 0, 0, 0), (edits, part)
    assert alert_table(engine) == after_part


def _edits(pool: list) -> st.SearchStrategy:
    return st.lists(st.tuples(st.sampled_from(pool), st.integers(0, 10**6)),
                    min_size=1, max_size=5)


PROPERTY = settings(max_examples=10, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])


@PROPERTY
@given(edits=_edits(EDITS))
def test_partitioned_sync_equals_full_sync_after_random_edits(synced, edits):
    _partitioned_equals_full(synced, edits)


@PROPERTY
@given(edits=_edits(AP_Y6_EDITS))
def test_power_item_groups_equal_full_sync_after_random_edits(synced, edits):
    _partitioned_equals_full(synced, edits)


@PROPERTY
@given(edits=_edits(S5_LC_EDITS))
def test_feedback_and_order_partitions_equal_full_sync_after_random_edits(synced, edits):
    _partitioned_equals_full(synced, edits)


@PROPERTY
@given(edits=_edits(S2_EDITS))
def test_trading_partitions_equal_full_sync_after_random_edits(synced, edits):
    _partitioned_equals_full(synced, edits)


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


def test_a_slower_department_lights_ap_y6_reading_only_its_items_departments(synced):
    """One department's cases of a power item handled by many departments become 60 days
    slower: the sync of that department alone opens its AP-Y6 light, reading the cases of the
    departments of its items only (not the province), and a full sync then finds nothing to do."""
    from services.lights.groups import resolve_group

    with synced.connect() as conn:
        # a department's power among the many departments' cases of one power item (食品经营许可
        # in the demo: 37 departments with 5 finished cases or more), not lit yet
        dept, code = conn.execute(text(
            "SELECT c.department_id, p.code FROM approval_case c "
            "JOIN power p ON p.id = c.power_id WHERE c.status = 'finished' "
            "AND p.name IN (SELECT name FROM (SELECT p2.name, c2.department_id FROM power p2 "
            "  JOIN approval_case c2 ON c2.power_id = p2.id WHERE c2.status = 'finished' "
            "  GROUP BY p2.name, c2.department_id HAVING COUNT(*) >= 5) AS busy "
            "  GROUP BY name HAVING COUNT(*) >= 8) "
            "AND c.department_id NOT IN (SELECT department_id FROM alert WHERE rule_id = 'AP-Y6') "
            "GROUP BY c.department_id, p.code HAVING COUNT(*) >= 5 "
            "ORDER BY c.department_id, p.code LIMIT 1")).one()
        departments = conn.execute(select(func.count()).select_from(text("department"))).scalar_one()
        assert conn.execute(select(func.count()).select_from(Alert).where(
            Alert.rule_id == "AP-Y6", Alert.subject_id == f"{dept}:{code}")).scalar_one() == 0
    with synced.begin() as conn:
        slow_down(conn, dept, code, 60)
    scope = resolve_group("power_item", synced, frozenset({dept}))
    assert dept in scope.departments and 8 <= len(scope.departments) < departments / 2
    result = sync_partitions(synced, departments={dept}, actor="test")
    assert result.new >= 1
    with synced.connect() as conn:
        level, status = conn.execute(select(Alert.level, Alert.status).where(
            Alert.rule_id == "AP-Y6", Alert.subject_id == f"{dept}:{code}")).one()
    assert (level, status) == ("yellow", "open")
    full = sync_alerts(synced, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared, full.refreshed) == (0, 0, 0, 0, 0)

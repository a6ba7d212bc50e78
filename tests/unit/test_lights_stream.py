"""A bulk sync on PostgreSQL writes each rule's alerts while later rules still run
(services.lights.sync_stream), in the sync's one transaction; SQLite writes once every rule
has run (its write lock would otherwise be held through the whole read)."""

from __future__ import annotations

import threading
import time
from dataclasses import replace

import polars as pl
import pytest
from sqlalchemy import func, select, text
from sqlmodel import Session

from metrics.lights.registry import RULES, Rule
from models.db import session_scope
from models.lights import Alert, AlertEvent
from services.lights import inputs, orders, sync_stream
from services.lights.sync import sync_alerts
from services.platform.scope import ALL

WAIT_S = 30


def _alerts(subject: str, facts: str = '{"n": 1}'):  # noqa: ANN202
    def fn(frames, params):  # noqa: ANN001, ANN202, ARG001
        return pl.DataFrame({"subject_type": ["test"], "subject_id": [subject], "department_id": [None],
                             "region_code": [None], "facts": [facts]},
                            schema={"subject_type": pl.String, "subject_id": pl.String,
                                    "department_id": pl.Int64, "region_code": pl.String, "facts": pl.String})
    return fn


def _rule(rule_id: str, name: str) -> Rule:
    return Rule(id=rule_id, system="LC", level="yellow", subject_type="test", title_key="t",
                definition_key="d", basis_key="b", inputs=(name,), fn=_alerts(f"{rule_id}-s"))


@pytest.fixture
def two_rules(monkeypatch):  # noqa: ANN001, ANN201
    """T-FAST reads a small input; T-SLOW's input is read until `slow_may_end` (at most WAIT_S).
    `written` holds the rules of each plan the writer wrote, in order."""
    written: list[list[str]] = []
    first_write, slow_may_end = threading.Event(), threading.Event()
    seen: dict[str, bool] = {}
    real_write = sync_stream.write_plan

    def write_plan(*, session, plan, actor, now):  # noqa: ANN001, ANN202
        written.append(sorted(plan["rule_id"].unique().to_list()))
        real_write(session=session, plan=plan, actor=actor, now=now)
        first_write.set()

    def read_slow(bind):  # noqa: ANN001, ANN202, ARG001
        timeout = 0 if slow_may_end.is_set() else WAIT_S
        seen["a write came while the slow input was read"] = first_write.wait(timeout)
        return pl.DataFrame({"n": [2]})

    def read_fast(bind):  # noqa: ANN001, ANN202, ARG001
        return pl.DataFrame({"n": [1]})

    read_slow.lead = 1  # read first, beside t_fast
    read_fast.tables = read_slow.tables = frozenset()  # they read no table (services.lights.touch)

    monkeypatch.setattr(sync_stream, "write_plan", write_plan)
    monkeypatch.setitem(inputs.LOADERS, "t_fast", read_fast)
    monkeypatch.setitem(inputs.LOADERS, "t_slow", read_slow)
    for rule in (_rule("T-FAST", "t_fast"), _rule("T-SLOW", "t_slow")):
        monkeypatch.setitem(RULES, rule.id, rule)
    return written, seen, slow_may_end


def _stored(engine) -> list[tuple]:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(Alert.rule_id, Alert.subject_id, Alert.status).order_by(Alert.rule_id)).all()


def test_a_full_sync_writes_a_rules_alerts_while_later_rules_are_read(engine, two_rules):
    written, seen, slow_may_end = two_rules
    if engine.dialect.name == "sqlite":
        slow_may_end.set()  # nothing is written before every rule ran: do not wait for it
    result = sync_alerts(engine, actor="test", rule_ids=["T-FAST", "T-SLOW"])
    assert (result.new, result.changed) == (2, 2)
    assert _stored(engine) == [("T-FAST", "T-FAST-s", "open"), ("T-SLOW", "T-SLOW-s", "open")]
    if engine.dialect.name == "postgresql":
        assert seen == {"a write came while the slow input was read": True}
        assert written == [["T-FAST"], ["T-SLOW"]]
    else:
        assert seen == {"a write came while the slow input was read": False}
        assert written == []  # SQLite writes in sync_write directly, once, after every rule
    # the second sync finds both stored, batch by batch alike: nothing changes
    again = sync_alerts(engine, actor="test", rule_ids=["T-FAST", "T-SLOW"])
    assert (again.unchanged, again.changed) == (2, 0)


def test_a_failed_batch_rolls_back_the_batches_written_before_it(engine, two_rules, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite does not stream its writes (see the test above)")
    written, _, _ = two_rules
    real_write = sync_stream.write_plan

    def fail_second(*, session, plan, actor, now):  # noqa: ANN001, ANN202
        if written:
            raise RuntimeError("写入失败")
        real_write(session=session, plan=plan, actor=actor, now=now)

    monkeypatch.setattr(sync_stream, "write_plan", fail_second)
    with pytest.raises(RuntimeError, match="写入失败"):
        sync_alerts(engine, actor="test", rule_ids=["T-FAST", "T-SLOW"])
    assert written == [["T-FAST"]]  # written in the sync's transaction, then rolled back
    assert _stored(engine) == []
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(AlertEvent)).scalar_one() == 0


def _waiting_on_a_lock(engine, timeout_s: float = WAIT_S) -> bool:  # noqa: ANN001
    """True once a session of this database waits on a lock (row or advisory)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with engine.connect() as conn:
            if conn.execute(text("SELECT count(*) FROM pg_stat_activity WHERE datname = "
                                 "current_database() AND wait_event_type = 'Lock'")).scalar_one():
                return True
        time.sleep(0.05)
    return False


def test_a_supervisors_action_during_a_streamed_sync_waits_for_it_and_is_kept(engine, two_rules, monkeypatch):
    """The sync updates alert Y (its first batch) and later X; a supervisor acknowledges X and
    Y in between, locking in id order (X first). Without the alert-writes lock the two deadlock
    (PostgreSQL aborts one), or the sync writes "open" over the acknowledgement it did not read."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time (BEGIN IMMEDIATE): nothing interleaves")
    written, _, slow_may_end = two_rules
    slow_may_end.set()  # the set-up syncs do not wait
    sync_alerts(engine, actor="test", rule_ids=["T-SLOW"])  # X, the lower id
    sync_alerts(engine, actor="test", rule_ids=["T-FAST"])  # Y
    with Session(engine) as s:
        x, y = s.execute(select(Alert.id).order_by(Alert.rule_id.desc())).scalars().all()
    assert x < y
    for rule_id in ("T-FAST", "T-SLOW"):  # both find new facts: the next sync updates both
        monkeypatch.setitem(RULES, rule_id, replace(RULES[rule_id], fn=_alerts(f"{rule_id}-s", '{"n": 2}')))
    acted: list = []

    def acknowledge() -> None:
        try:
            with session_scope(engine) as s:
                acted.append(orders.acknowledge(session=s, actor="supervisor", scope=ALL,
                                                alert_ids=[y, x]))
        except Exception as exc:  # noqa: BLE001  (asserted below)
            acted.append(exc)

    supervisor = threading.Thread(target=acknowledge)
    batch_written = threading.Event()
    real_write = sync_stream.write_plan  # the fixture's: records each batch's rules

    def write_plan(*, session, plan, actor, now):  # noqa: ANN001, ANN202
        real_write(session=session, plan=plan, actor=actor, now=now)
        batch_written.set()

    seen: dict[str, bool] = {}

    def read_slow(bind):  # noqa: ANN001, ANN202, ARG001
        # once Y's batch is written (the sync holds Y's row), the supervisor acts, and waits
        seen["Y's batch written"] = batch_written.wait(WAIT_S) and written == [["T-FAST"]]
        supervisor.start()
        seen["the supervisor waits"] = _waiting_on_a_lock(engine)
        return pl.DataFrame({"n": [2]})

    read_slow.lead, read_slow.tables = 1, frozenset()
    monkeypatch.setattr(sync_stream, "write_plan", write_plan)
    monkeypatch.setitem(inputs.LOADERS, "t_slow", read_slow)
    written.clear()
    result = sync_alerts(engine, actor="test", rule_ids=["T-FAST", "T-SLOW"])
    supervisor.join(WAIT_S)
    assert seen == {"Y's batch written": True, "the supervisor waits": True}
    assert (result.updated, result.changed) == (2, 2)
    assert acted == [2]
    with Session(engine) as s:
        assert s.execute(select(Alert.id, Alert.status, Alert.facts).order_by(Alert.id)).all() == [
            (x, "acknowledged", '{"n": 2}'), (y, "acknowledged", '{"n": 2}')]


def test_an_action_between_a_syncs_read_and_its_write_is_not_written_over(engine, two_rules, monkeypatch):
    """A supervisor acknowledges an alert after the sync read it as open and before the sync
    writes its new facts: the action waits for the sync, and the alert ends acknowledged with
    the new facts (without the alert-writes lock the sync wrote "open" over the action)."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite's sync holds its write lock from the read (services.lights.sync._write_lock)")
    _, _, slow_may_end = two_rules
    slow_may_end.set()
    sync_alerts(engine, actor="test", rule_ids=["T-FAST"])
    with Session(engine) as s:
        y = s.execute(select(Alert.id)).scalar_one()
    monkeypatch.setitem(RULES, "T-FAST", replace(RULES["T-FAST"], fn=_alerts("T-FAST-s", '{"n": 2}')))
    acted: list = []

    def acknowledge() -> None:
        with session_scope(engine) as s:
            acted.append(orders.acknowledge(session=s, actor="supervisor", scope=ALL, alert_ids=[y]))

    supervisor = threading.Thread(target=acknowledge)
    real_write = sync_stream.write_plan
    seen: dict[str, bool] = {}

    def write_plan(*, session, plan, actor, now):  # noqa: ANN001, ANN202
        supervisor.start()  # the stored alerts are read and compared: the plan says "open"
        seen["the supervisor waits"] = _waiting_on_a_lock(engine, timeout_s=3)
        real_write(session=session, plan=plan, actor=actor, now=now)

    monkeypatch.setattr(sync_stream, "write_plan", write_plan)
    result = sync_alerts(engine, actor="test", rule_ids=["T-FAST"])
    supervisor.join(WAIT_S)
    assert (result.updated, seen, acted) == (1, {"the supervisor waits": True}, [1])
    with Session(engine) as s:
        assert s.execute(select(Alert.status, Alert.facts)).one() == ("acknowledged", '{"n": 2}')
        assert s.execute(select(AlertEvent.action).where(AlertEvent.alert_id == y)
                         .order_by(AlertEvent.id)).scalars().all() == ["created", "updated", "acknowledged"]

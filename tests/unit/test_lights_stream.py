"""A bulk sync on PostgreSQL writes each rule's alerts while later rules still run
(services.lights.sync_stream), in the sync's one transaction; SQLite writes once every rule
has run (its write lock would otherwise be held through the whole read)."""

from __future__ import annotations

import threading

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from metrics.lights.registry import RULES, Rule
from models.lights import Alert, AlertEvent
from services.lights import inputs, sync_stream
from services.lights.sync import sync_alerts

WAIT_S = 30


def _alerts(subject: str):  # noqa: ANN202
    def fn(frames, params):  # noqa: ANN001, ANN202, ARG001
        return pl.DataFrame({"subject_type": ["test"], "subject_id": [subject], "department_id": [None],
                             "region_code": [None], "facts": ['{"n": 1}']},
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

    read_slow.lead = 1  # read first, beside t_fast

    monkeypatch.setattr(sync_stream, "write_plan", write_plan)
    monkeypatch.setitem(inputs.LOADERS, "t_fast", lambda bind: pl.DataFrame({"n": [1]}))
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

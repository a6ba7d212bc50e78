"""Issue 12: an import records a sync request and returns; the worker's drain brings the
lights of the touched departments in; two imports (and two drains) at once neither lose nor
duplicate an alert; the daily sweep runs once per China day."""

from __future__ import annotations

import json
import threading
import time
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, insert, select, update
from sqlmodel import Session

from core.clock import china_today
from metrics.lights.registry import RULES
from models.db import session_scope
from models.esupervision import ApprovalCase
from models.lights import Alert, LightsState, SyncRequest
from models.power import Power
from models.users import User
from services.lights import sync as sync_module
from services.lights.queue import WAKE, drain, pending, request_full_sync, sweep_if_due, time_rules
from services.lights.sync import sync_alerts
from services.platform import ingest
from services.platform.scope import scope_for
from services.power.catalog import in_force_clause

HEAD = "办件编号,职权编码,受理渠道,受理日期,受理时间,办理状态,办结日期,办结时间,不予许可理由,实收费用\n"


def _officer(engine, username: str):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        power = s.execute(select(Power).where(in_force_clause(),
                                              Power.department_id == user.department_id)
                          .order_by(Power.id)).scalars().first()
        return user, scope_for(user, session=s), power


def _upload_cases(engine, username: str, prefix: str):  # noqa: ANN001, ANN202
    """Two cases of the officer's department, each breaking AP-R3 (fee above the standard)."""
    user, scope, power = _officer(engine, username)
    day = china_today() - timedelta(days=40)
    done = day + timedelta(days=3)
    fee = (power.fee_standard or 0) + 80
    rows = "".join(f"{prefix}-{i},{power.current_code},窗口,{day},10:15,已办结,{done},16:00,,{fee}\n"
                   for i in (1, 2))
    with session_scope(engine) as s:
        prepared = ingest.prepare("approval_cases", "办件.csv", (HEAD + rows).encode("utf-8"),
                                  session=s, actor=user.username, scope=scope)
    assert prepared.status == "ready", prepared.errors
    return user, ingest.commit(engine, prepared, actor=user.username, scope=scope)


def _alerts(engine, prefix: str) -> list[tuple]:  # noqa: ANN001
    with Session(engine) as s:
        return sorted(tuple(r) for r in s.execute(
            select(Alert.rule_id, Alert.subject_id, Alert.status, Alert.department_id)
            .where(Alert.subject_id.like(f"{prefix}-%"))).all())


def test_an_import_returns_before_its_lights_and_the_drain_brings_them(seeded):
    user, result = _upload_cases(seeded, "county_data", "RT")
    assert result.status == "committed"
    assert _alerts(seeded, "RT") == []  # the import did not run the rules itself
    assert pending(seeded, batch_id=result.batch_id) == 1
    with Session(seeded) as s:
        request = s.execute(select(SyncRequest).where(SyncRequest.done_at.is_(None))).scalar_one()
    assert (request.batch_id, json.loads(request.departments)) == (result.batch_id,
                                                                   [user.department_id])  # the partition it touched
    drained = drain(seeded)
    assert drained is not None and drained.new >= 2
    assert pending(seeded, batch_id=result.batch_id) == 0
    assert [a[:3] for a in _alerts(seeded, "RT") if a[0] == "AP-R3"] == [
        ("AP-R3", "RT-1", "open"), ("AP-R3", "RT-2", "open")]
    assert drain(seeded) is None  # nothing pending any more
    full = sync_alerts(seeded, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared) == (0, 0, 0, 0)


def test_an_import_and_its_sync_request_commit_together(seeded):
    """The request is recorded inside the import's transaction: a crash after it (here a
    later hook failing) leaves neither the rows nor the request, never rows without one."""
    import pytest

    from models.esupervision import ApprovalCase

    def crash(_session, _actor, _prepared) -> None:  # noqa: ANN001
        raise RuntimeError("the process dies here")

    ingest.IMPORT_HOOKS.append(crash)
    try:
        with pytest.raises(RuntimeError):
            _upload_cases(seeded, "county_data", "CW")
    finally:
        ingest.IMPORT_HOOKS.remove(crash)
    with Session(seeded) as s:
        assert s.execute(select(func.count()).select_from(ApprovalCase)
                         .where(ApprovalCase.case_no.like("CW-%"))).scalar_one() == 0
    assert pending(seeded) == 0


def test_a_drain_reading_its_inputs_blocks_no_writer(seeded, monkeypatch):
    """At province scale the drain read its inputs for a minute holding SQLite's write lock
    (BEGIN IMMEDIATE), longer than the 30 s busy timeout: logins and imports failed with
    "database is locked". A write made while the drain reads now commits at once (here with a
    1 s busy timeout), and what it recorded is left for the next drain."""
    _upload_cases(seeded, "county_data", "LK")
    reading, release = threading.Event(), threading.Event()
    real = sync_module.read_and_evaluate

    def slow(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        read = real(*args, **kwargs)
        reading.set()
        assert release.wait(60)
        return read

    monkeypatch.setattr(sync_module, "read_and_evaluate", slow)
    results: list = []
    worker = threading.Thread(target=lambda: results.append(drain(seeded)))
    worker.start()
    try:
        assert reading.wait(60)
        started = time.perf_counter()
        with seeded.connect() as conn:
            if seeded.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA busy_timeout=1000")
            conn.execute(insert(SyncRequest).values(actor="writer", departments=None))
            conn.commit()
            if seeded.dialect.name == "sqlite":
                conn.exec_driver_sql("PRAGMA busy_timeout=30000")
        waited = time.perf_counter() - started
    finally:
        release.set()
        worker.join(120)
    assert waited < 1.0
    assert results[0] is not None and results[0].new >= 2
    with Session(seeded) as s:
        left = s.execute(select(SyncRequest.actor).where(SyncRequest.done_at.is_(None))).all()
    assert [tuple(r) for r in left] == [("writer",)]


def test_two_imports_and_two_drains_at_once_lose_and_duplicate_nothing(seeded):
    errors: list[BaseException] = []

    def run(fn) -> None:  # noqa: ANN001
        try:
            fn()
        except BaseException as exc:  # noqa: BLE001  (reported by the main thread)
            errors.append(exc)

    jobs = [lambda: _upload_cases(seeded, "county_data", "TA"),
            lambda: _upload_cases(seeded, "county2_data", "TB"),
            lambda: drain(seeded), lambda: drain(seeded)]
    threads = [threading.Thread(target=run, args=(j,)) for j in jobs]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=300)
    assert errors == []
    drain(seeded)  # whatever arrived after the concurrent drains read the queue
    assert pending(seeded) == 0
    a, b = _alerts(seeded, "TA"), _alerts(seeded, "TB")
    assert [x[:3] for x in a if x[0] == "AP-R3"] == [("AP-R3", "TA-1", "open"), ("AP-R3", "TA-2", "open")]
    assert [x[:3] for x in b if x[0] == "AP-R3"] == [("AP-R3", "TB-1", "open"), ("AP-R3", "TB-2", "open")]
    full = sync_alerts(seeded, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared) == (0, 0, 0, 0)
    with Session(seeded) as s:
        keys = s.execute(select(Alert.rule_id, Alert.subject_type, Alert.subject_id)).all()
    assert len(keys) == len(set(keys))


def test_the_daily_sweep_runs_once_per_china_day(seeded):
    assert {"AP-R1", "AP-Y1", "FD-Y2", "PW-R2", "LC-R1"} <= set(time_rules())
    # over budget and risk points without measures do not change with the date
    assert not {"FD-R1", "PW-R1", "PW-Y1"} & set(time_rules())
    first = sweep_if_due(seeded)
    assert first is not None and first.rules == len(time_rules())
    assert sweep_if_due(seeded) is None
    with Session(seeded) as s:
        assert s.get(LightsState, "last_sweep").value == china_today().isoformat()
        assert s.execute(select(func.count()).select_from(SyncRequest)
                         .where(SyncRequest.done_at.is_(None))).scalar_one() == 0


def test_the_app_sweeps_at_start_when_due_and_then_just_after_midnight_in_china(seeded):
    from datetime import datetime
    from datetime import time as clock_time

    from core.clock import CHINA_TZ
    from ui.lights.worker import _schedule_sweep

    scheduler = _schedule_sweep(seeded)
    try:
        nightly = scheduler.get_job("lights-sweep").next_run_time.astimezone(CHINA_TZ)
        now = datetime.now(CHINA_TZ)
        assert nightly.time() == clock_time(0, 5) and timedelta(0) < nightly - now <= timedelta(days=1)
        for _ in range(600):  # the start-up job: today's sweep was not done yet
            with Session(seeded) as s:
                state = s.get(LightsState, "last_sweep")
            if state is not None:
                break
            time.sleep(0.1)
        assert state is not None and state.value == china_today().isoformat()
    finally:
        scheduler.shutdown(wait=True)


def test_a_supervision_order_asks_for_its_departments(seeded):
    from datetime import date

    from services.lights import orders
    from services.platform.scope import ALL

    with Session(seeded) as s:
        alert = s.execute(select(Alert).where(Alert.status == "open",
                                              Alert.department_id.is_not(None))
                          .order_by(Alert.id)).scalars().first()
    with session_scope(seeded) as s:
        orders.issue_order(session=s, actor="sup", scope=ALL, alert_ids=[alert.id],
                           department_id=alert.department_id, due_date=date(2099, 1, 1),
                           instructions="限期整改")
    with Session(seeded) as s:
        request = s.execute(select(SyncRequest).where(SyncRequest.done_at.is_(None))).scalar_one()
    assert (request.actor, json.loads(request.departments)) == ("sup", [alert.department_id])
    result = drain(seeded)
    assert (result.new, result.cleared) == (0, 0)


def _alert_table(engine) -> set[tuple]:  # noqa: ANN001
    a = Alert
    with Session(engine) as s:
        return {tuple(r) for r in s.execute(select(
            a.rule_id, a.subject_type, a.subject_id, a.level, a.status, a.department_id,
            a.region_code, a.facts, a.facts_hash, a.rule_version))}


def test_run_rules_now_is_a_full_sync_request_drained_like_a_full_sync(seeded):
    """The lights centre's "立即运行规则" records a request for every rule and department and
    returns; the drain leaves the alerts exactly as a direct full sync does (which then finds
    nothing left to do)."""
    with Session(seeded) as s:
        case_no = s.execute(select(ApprovalCase.case_no).where(ApprovalCase.case_no.not_in(
            select(Alert.subject_id).where(Alert.rule_id == "AP-R3")))
            .order_by(ApprovalCase.id)).scalars().first()
    with seeded.begin() as conn:  # written behind the queue's back: only a full sync sees it
        conn.execute(update(ApprovalCase).where(ApprovalCase.case_no == case_no)
                     .values(fee_charged=Decimal("98765.00")))
    request_id = request_full_sync(seeded, actor="county_supervisor")
    assert WAKE.is_set()  # this process's worker is woken at once
    assert pending(seeded, request_id=request_id) == 1
    with Session(seeded) as s:
        row = s.get(SyncRequest, request_id)
    assert (row.actor, row.departments, row.tables, row.done_at) == (
        "county_supervisor", None, None, None)
    result = drain(seeded, actor="worker")
    assert result is not None and result.rules == len(RULES) and result.new == 1
    assert pending(seeded, request_id=request_id) == 0
    with Session(seeded) as s:
        assert s.execute(select(Alert.status).where(
            Alert.rule_id == "AP-R3", Alert.subject_id == case_no)).scalar_one() == "open"
    after_drain = _alert_table(seeded)
    full = sync_alerts(seeded, actor="test")
    assert (full.new, full.updated, full.reopened, full.cleared, full.refreshed) == (0, 0, 0, 0, 0)
    assert _alert_table(seeded) == after_drain

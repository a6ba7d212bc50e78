"""PostgreSQL's per-case digest of the steps (migration 0019, services.esupervision.step_digest):
whatever writes the steps, a full read from the digest is the full read from the steps, frame
for frame; two transactions writing one case's steps at once both end up in its digest."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import text

import services.esupervision.frames as es_frames
from services.esupervision.step_digest import digest_steps, uses_digest
from services.platform.snapshot import read_snapshot


def _full_read(engine, monkeypatch, *, digest: bool):  # noqa: ANN001, ANN202
    with monkeypatch.context() as m:
        if not digest:
            m.setattr(es_frames, "uses_digest", lambda bind: False)
        with read_snapshot(engine, bulk=True):
            return es_frames.read_steps(engine, None, handlers=False, in_case_order=True)


def _same(engine, monkeypatch) -> int:  # noqa: ANN001
    from_digest = _full_read(engine, monkeypatch, digest=True)
    assert_frame_equal(from_digest, _full_read(engine, monkeypatch, digest=False), check_exact=True)
    return from_digest.height


def _postgres_only(engine) -> None:  # noqa: ANN001
    if not uses_digest(engine):
        with engine.connect() as conn:  # SQLite reads its steps and keeps no digest
            assert conn.execute(text("SELECT count(*) FROM sqlite_master WHERE name = "
                                     "'case_step_digest'")).scalar_one() == 0
        pytest.skip("the digest is PostgreSQL's")


def _case(conn, n: int) -> int:  # noqa: ANN001
    ids = conn.execute(text("SELECT c.id FROM approval_case c WHERE EXISTS "
                            "(SELECT 1 FROM case_step s WHERE s.case_id = c.id) ORDER BY c.id")).scalars().all()
    return ids[n % len(ids)]


def test_the_digest_reads_as_the_steps_after_every_kind_of_write(seeded, monkeypatch):
    _postgres_only(seeded)
    steps = _same(seeded, monkeypatch)
    assert steps > 100
    with seeded.begin() as conn:
        a, b, c = _case(conn, 1), _case(conn, 7), _case(conn, 13)
        # two new passes, one still running, to the microsecond, one before any other step
        conn.execute(text(
            "INSERT INTO case_step (case_id, seq, pass_no, started_at, finished_at, handler) VALUES "
            "(:a, 1, 9, '2026-01-02 03:04:05.678901+00', NULL, ''), "
            "(:a, 2, 9, '2020-06-30 16:00:00.000001+00', '2020-06-30 23:59:59.999999+00', 'x')"), {"a": a})
    assert _same(seeded, monkeypatch) == steps + 2
    with seeded.begin() as conn:  # a step moves in time, then to another case
        conn.execute(text("UPDATE case_step SET started_at = started_at - interval '400 days' "
                          "WHERE id = (SELECT max(id) FROM case_step WHERE case_id = :b)"), {"b": b})
        conn.execute(text("UPDATE case_step SET case_id = :c, pass_no = 8 "
                          "WHERE id = (SELECT min(id) FROM case_step WHERE case_id = :b)"), {"b": b, "c": c})
        conn.execute(text("UPDATE case_step SET handler = 'y' WHERE case_id = :c"), {"c": c})
    assert _same(seeded, monkeypatch) == steps + 2
    with seeded.begin() as conn:  # every step of a case goes: so does its digest
        gone = conn.execute(text("DELETE FROM case_step WHERE case_id = :c"), {"c": c}).rowcount
        assert conn.execute(text("SELECT count(*) FROM case_step_digest WHERE case_id = :c"),
                            {"c": c}).scalar_one() == 0
    assert _same(seeded, monkeypatch) == steps + 2 - gone
    with seeded.begin() as conn:
        conn.execute(text("TRUNCATE case_step"))
        assert conn.execute(text("SELECT count(*) FROM case_step_digest")).scalar_one() == 0
    assert _same(seeded, monkeypatch) == 0


def test_a_running_step_and_microseconds_come_back_exactly(seeded):
    _postgres_only(seeded)
    with seeded.begin() as conn:
        case = _case(conn, 3)
        conn.execute(text("DELETE FROM case_step WHERE case_id = :c"), {"c": case})
        conn.execute(text(
            "INSERT INTO case_step (case_id, seq, pass_no, started_at, finished_at, handler) VALUES "
            "(:c, 2, 1, '2026-03-01 00:00:00.000001+08', NULL, ''), "
            "(:c, 1, 1, '1969-12-31 23:59:59.5+00', '2026-02-28 23:59:59.999999+00', '')"), {"c": case})
    with read_snapshot(seeded, bulk=True):
        got = digest_steps(seeded)
    rows = got.filter(pl.col("case_id") == case).rows()
    assert rows == [
        (case, 1, 1, datetime(1969, 12, 31, 23, 59, 59, 500000, tzinfo=UTC),
         datetime(2026, 2, 28, 23, 59, 59, 999999, tzinfo=UTC)),
        (case, 2, 1, datetime(2026, 2, 28, 16, 0, 0, 1, tzinfo=UTC), None)]
    with seeded.connect() as conn:  # outside a snapshot: COPY as CSV, bytea as hex text
        assert digest_steps(conn).filter(pl.col("case_id") == case).rows() == rows


def _waiting_for_a_lock(engine, pid: int) -> bool:  # noqa: ANN001
    with engine.connect() as conn:
        return conn.execute(text("SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = :p"),
                            {"p": pid}).scalar_one_or_none() is True


def test_two_writers_of_one_case_both_reach_its_digest(seeded, monkeypatch):
    _postgres_only(seeded)
    with seeded.connect() as conn:
        case = _case(conn, 5)
    insert = text("INSERT INTO case_step (case_id, seq, pass_no, started_at, finished_at, handler) "
                  "VALUES (:c, 1, :p, now(), now(), '')")
    first, second = seeded.connect(), seeded.connect()
    try:
        first.begin()
        first.execute(insert, {"c": case, "p": 11})  # its digest is refreshed, not committed
        second_pid = second.execute(text("SELECT pg_backend_pid()")).scalar_one()
        second.rollback()
        failed: list[BaseException] = []

        def write_second() -> None:
            try:
                with second.begin():
                    second.execute(insert, {"c": case, "p": 12})
            except BaseException as exc:  # noqa: BLE001  (raised below, in the test's thread)
                failed.append(exc)

        writer = threading.Thread(target=write_second)
        writer.start()
        deadline = time.monotonic() + 10
        while not _waiting_for_a_lock(seeded, second_pid):  # its trigger waits for the first
            assert not failed, failed
            assert time.monotonic() < deadline, "the second writer never waited for the first"
            time.sleep(0.02)
        first.commit()
        writer.join(10)
        assert not failed, failed
    finally:
        first.close()
        second.close()
    with read_snapshot(seeded, bulk=True):
        got = digest_steps(seeded)
    passes = got.filter((pl.col("case_id") == case) & (pl.col("seq") == 1))["pass_no"].to_list()
    assert {11, 12} <= set(passes)
    _same(seeded, monkeypatch)

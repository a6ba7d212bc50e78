"""services.frames: the snapshot reads the alert sync uses on an Engine (ADBC on PostgreSQL)
give exactly the frames the in-transaction driver reads give, and one snapshot sees one state
of the data."""

from __future__ import annotations

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from sqlalchemy import select, update

from models.lights import SupervisionOrder
from services.lights.inputs import LOADERS, load_inputs
from services.platform.frames import read_frame
from services.platform.snapshot import read_snapshot


@pytest.fixture
def readers(monkeypatch):
    """The demo file is small: read it through the reader processes all the same."""
    import services.platform.snapshot as snapshot_module

    monkeypatch.setattr(snapshot_module, "READER_MIN_BYTES", 0)


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.sort(pl.all(), nulls_last=True)


def test_every_loader_reads_the_same_in_a_snapshot_and_in_a_transaction(seeded, readers):
    """The full read (a reader process on SQLite, ADBC on PostgreSQL) against the driver's."""
    names = set(LOADERS) - {"clock"}
    snapshot = load_inputs(seeded, names)
    with seeded.connect() as conn:
        driver = load_inputs(conn, names)
    assert snapshot["ap_cases"].height > 1000 and snapshot["ap_steps"].height > 5000
    for name in sorted(names):
        assert_frame_equal(_sorted(snapshot[name]), _sorted(driver[name]), check_exact=True)


@pytest.mark.parametrize("bulk", [False, True], ids=["connection", "bulk"])
def test_a_snapshot_does_not_see_writes_committed_after_it_began(seeded, bulk, readers):
    """Either way of reading. `bulk` reads on two connections (PostgreSQL) or two reader
    processes (SQLite) lent in turn: each read after the write is a statement of its own
    (a statement read before is shared, not read again), so both are asked, and neither
    may see the write."""
    orders = select(SupervisionOrder.id, SupervisionOrder.order_no).order_by(SupervisionOrder.id)
    schema = {"id": pl.Int64(), "order_no": pl.String()}
    with read_snapshot(seeded, bulk=bulk):
        first = read_frame(seeded, orders, schema)
        assert first.height > 0
        with seeded.begin() as conn:
            conn.execute(update(SupervisionOrder).where(SupervisionOrder.id == first["id"][0])
                         .values(order_no="DB-SNAPSHOT-TEST"))
        for since in (0, -1, -2):
            again = read_frame(seeded, orders.where(SupervisionOrder.id > since), schema)
            assert_frame_equal(first, again)
    after = read_frame(seeded, orders, schema)
    assert after["order_no"][0] == "DB-SNAPSHOT-TEST"
    assert after["order_no"][1:].to_list() == first["order_no"][1:].to_list()


def test_a_read_in_chunks_equals_the_read_in_one(seeded, monkeypatch):
    """SQLite rows become a frame CURSOR_CHUNK at a time (peak memory); chunk edges change
    nothing, on every loader (PostgreSQL reads through COPY and ADBC: no chunks)."""
    import services.platform.frames as frames_module

    if seeded.dialect.name != "sqlite":
        pytest.skip("PostgreSQL reads through COPY and ADBC, not a cursor")
    names = set(LOADERS) - {"clock"}
    with seeded.connect() as conn:
        whole = load_inputs(conn, names)
    monkeypatch.setattr(frames_module, "CURSOR_CHUNK", 997)  # several chunks, a short last one
    with seeded.connect() as conn:
        chunked = load_inputs(conn, names)
    assert whole["ap_steps"].height > 997 * 3 and whole["ap_steps"].height % 997
    for name in sorted(names):
        assert_frame_equal(chunked[name], whole[name], check_exact=True)


def test_timed_cases_read_the_same_suspensions_by_id_and_by_scope(seeded, monkeypatch):
    """Many cases take their suspensions through the scoped join, few by their ids: the same
    timing either way, for the province and for one county (scope applied in SQL)."""
    from datetime import date

    from sqlmodel import Session

    import services.esupervision.frames as es_frames
    from models.users import User
    from services.platform.scope import scope_for

    today = date(2026, 12, 6)
    with Session(seeded) as s:
        users = [s.execute(select(User).where(User.username == u)).scalar_one()
                 for u in ("prov_leader", "county_data")]
        scopes = [scope_for(u, session=s) for u in users]
    for scope in scopes:
        with seeded.connect() as conn:
            monkeypatch.setattr(es_frames, "FEW_CASES", 10**9)
            by_id = es_frames.timed_cases(conn, scope, today=today, since=date(2026, 1, 1)).cases
            monkeypatch.setattr(es_frames, "FEW_CASES", 0)
            by_scope = es_frames.timed_cases(conn, scope, today=today, since=date(2026, 1, 1)).cases
        assert by_id.height > 0 and by_id["suspended_workdays"].sum() > 0
        assert_frame_equal(by_scope, by_id, check_exact=True)



def test_cases_read_the_same_powers_by_id_and_whole(seeded, monkeypatch):
    """Below FEW_POWER_IDS the cases' powers are read by id, above it the whole power table:
    the same cases either way (the demo has too few powers to go above it unaided)."""
    import services.esupervision.frames as es_frames

    with seeded.connect() as conn:
        monkeypatch.setattr(es_frames, "FEW_POWER_IDS", 10**9)
        by_id = es_frames.read_cases(conn, None)
        monkeypatch.setattr(es_frames, "FEW_POWER_IDS", 0)
        whole = es_frames.read_cases(conn, None)
    assert by_id.height > 0 and by_id["power_code"].null_count() == 0
    assert_frame_equal(whole, by_id, check_exact=True)

def test_a_text_among_numbers_stops_the_bulk_read_naming_its_column(seeded, readers):
    """SQLite stores a text in a money column as it is; the reader process's driver then hands
    the column over as text, numbers in its own 7-digit float format: never read as money."""
    from sqlalchemy import text

    from models.esupervision import FundPayment
    from services.platform.sqlite_reader import ReaderError

    if seeded.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's NUMERIC holds only numbers")
    with seeded.begin() as conn:
        first = conn.execute(select(FundPayment.id).order_by(FundPayment.id).limit(1)).scalar_one()
        conn.execute(text("UPDATE fund_payment SET amount = 'abc' WHERE id = :i"), {"i": first})
    with pytest.raises(ValueError, match=r"column amount: a value that is not a number \('abc'\)"):
        load_inputs(seeded, {"fd_payments"})
    with read_snapshot(seeded, bulk=True), pytest.raises(ReaderError, match="no such table: nowhere"):
        read_frame(seeded, select(text("x")).select_from(text("nowhere")), {"x": pl.Int64()})


def test_the_reader_reads_again_whole_a_column_whose_first_batch_misleads(tmp_path):
    """The reader's driver takes a column's type from its first batch (65,536 rows): a text
    column NULL throughout it, or whole amounts before a REAL, is read again as one batch."""
    import sqlite3

    from services.platform.sqlite_reader import SqliteReader

    path = tmp_path / "batches.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (note TEXT, amount NUMERIC(14, 2))")
        conn.executemany("INSERT INTO t VALUES (?, ?)", [(None, 100)] * 70_000 + [("后补", 12.5)])
    reader = SqliteReader(str(path))
    try:
        table = reader.arrow("SELECT note, amount FROM t ORDER BY rowid")
        assert reader.restarts == 1
        assert table.num_rows == 70_001
        assert table.column("note").to_pylist()[-2:] == [None, "后补"]
        assert table.column("amount").to_pylist()[-2:] == [100.0, 12.5]
        assert reader.arrow("SELECT note FROM t WHERE note IS NOT NULL").column(0).to_pylist() == ["后补"]
        assert reader.restarts == 1
    finally:
        reader.close()


def test_steps_get_their_own_case_power_sorted_or_not():
    """The as-of join of steps sorted by case matches each step to its own case only: a step
    whose case is not among the cases gets no power (as the hash join gives), never the power
    of the case before it."""
    from services.esupervision.frames import _with_case_power

    steps = pl.DataFrame({"case_id": [1, 1, 2, 4, 4, 7], "seq": [1, 2, 1, 1, 2, 1]})
    cases = pl.DataFrame({"case_id": [4, 1, 2, 9], "power_id": [40, 10, 20, 90]})
    expected = [10, 10, 20, 40, 40, None]
    for sorted_by_case in (True, False):
        got = _with_case_power(steps, cases, sorted_by_case=sorted_by_case).collect()
        assert got.columns == ["case_id", "seq", "power_id"]
        assert got["power_id"].to_list() == expected

from sqlalchemy import text

from models.db import session_scope
from services.platform import audit
from services.platform.audit import verify_chain


def _append(engine, n):
    with session_scope(engine) as s:
        for i in range(n):
            audit.record(s, actor="tester", action="test.write", entity_type="thing",
                         entity_id=i, before={"v": i}, after={"v": i + 1, "名称": "测试"})


def test_intact_chain_verifies(engine):
    _append(engine, 5)
    report = verify_chain(engine)
    assert (report.ok, report.checked) == (True, 5)


def test_changed_row_is_named(engine):
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("UPDATE audit_event SET after = '{\"v\": 99}' WHERE id = 3"))
    report = verify_chain(engine)
    assert (report.ok, report.first_bad_id) == (False, 3)
    assert "hash" in report.reason


def test_deleted_middle_row_is_named(engine):
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 2"))
    report = verify_chain(engine)
    assert (report.ok, report.first_bad_id) == (False, 2)


def test_deleted_last_row_is_caught_by_the_head(engine):
    _append(engine, 5)
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_event WHERE id = 5"))
    report = verify_chain(engine)
    assert report.ok is False
    assert report.first_bad_id == 5


def test_rolled_back_write_leaves_no_event(engine):
    try:
        with session_scope(engine) as s:
            audit.record(s, actor="tester", action="test.write", entity_type="thing", entity_id=1)
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    _append(engine, 1)
    assert verify_chain(engine).checked == 1

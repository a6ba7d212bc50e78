"""Issue 12: a form save marks what it touched (services.lights.touch) and the drain re-runs only
the rules reading the tables written; each loader declares exactly the tables it reads."""

from __future__ import annotations

import json
import re
from decimal import Decimal

from sqlalchemy import event, select
from sqlmodel import Session, SQLModel

import services.platform.frames as frames_module
from metrics.lights.registry import RULES
from models.db import UNMODELLED_TABLES, session_scope
from models.esupervision import ApprovalCase
from models.lights import Alert, SyncRequest
from models.org import Department
from models.power import Power
from services.lights.inputs import LOADERS, tables_of
from services.lights.queue import drain, pending, rules_reading


def _read_tables(engine, name: str, monkeypatch) -> set[str]:  # noqa: ANN001
    """The tables the SQL of loader `name` names (through read_frame or a Session)."""
    seen: list[str] = []
    real = frames_module._sql

    def spy(stmt, dialect):  # noqa: ANN001, ANN202
        sql = real(stmt, dialect)
        seen.append(sql)
        return sql

    def cursor(_conn, _cur, statement, *_args) -> None:  # noqa: ANN001, ANN002
        seen.append(statement)

    monkeypatch.setattr(frames_module, "_sql", spy)
    event.listen(engine, "before_cursor_execute", cursor)
    try:
        with engine.connect() as conn:
            LOADERS[name](conn)
    finally:
        event.remove(engine, "before_cursor_execute", cursor)
    # a table kept by triggers from another (the steps' digest on PostgreSQL) reads as that one
    return {UNMODELLED_TABLES.get(t, t) for t in [*SQLModel.metadata.tables, *UNMODELLED_TABLES]
            for sql in seen if re.search(rf'(FROM|JOIN)\s+"?{re.escape(t)}"?\b', sql, re.IGNORECASE)}


def test_every_loader_declares_exactly_the_tables_it_reads(seeded, monkeypatch):
    for name in sorted(LOADERS):
        assert tables_of(name) == _read_tables(seeded, name, monkeypatch), name


def test_a_case_table_change_reruns_the_s4_rules_reading_cases_and_no_other_system():
    assert rules_reading(frozenset({"approval_case"})) == [
        "AP-R1", "AP-R2", "AP-R3", "AP-Y1", "AP-Y2", "AP-Y3", "AP-Y4", "AP-Y5", "AP-Y6", "AP-Y7"]
    assert rules_reading(frozenset({"fb_event"})) == sorted(
        r.id for r in RULES.values() if "fb_returns" in r.inputs)
    assert rules_reading(frozenset({"audit_event"})) == []
    assert rules_reading(None) == sorted(RULES)


def _a_case(engine):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        return s.execute(select(ApprovalCase.id, ApprovalCase.case_no, ApprovalCase.department_id,
                                Power.fee_standard)
                         .join(Power, Power.id == ApprovalCase.power_id)
                         .where(ApprovalCase.status == "finished", Power.fee_standard.is_not(None))
                         .order_by(ApprovalCase.id)).first()


def test_a_form_save_asks_for_its_lights_and_the_drain_brings_them(seeded):
    assert pending(seeded) == 0  # the demo seed's own writes asked for nothing
    case_id, case_no, dept, standard = _a_case(seeded)
    with session_scope(seeded) as s:  # what an entry form's service does: an ORM write
        s.get(ApprovalCase, case_id).fee_charged = Decimal(standard) + Decimal("80.00")
    with Session(seeded) as s:
        req = s.execute(select(SyncRequest).where(SyncRequest.done_at.is_(None))).scalar_one()
    assert (req.actor, json.loads(req.departments), json.loads(req.tables)) == (
        "system", [dept], ["approval_case"])
    result = drain(seeded)
    assert result.rules == len(rules_reading(frozenset({"approval_case"}))) == 10
    with Session(seeded) as s:
        got = s.execute(select(Alert.rule_id, Alert.status).where(Alert.subject_id == case_no)).all()
    assert ("AP-R3", "open") in [tuple(r) for r in got]
    assert pending(seeded) == 0  # the sync's own writes ask for nothing


def test_a_row_moved_to_another_department_marks_both(seeded):
    case_id, _no, dept, _std = _a_case(seeded)
    with Session(seeded) as s:
        other = s.execute(select(Department.id).where(Department.id != dept)
                          .order_by(Department.id)).scalars().first()
    with session_scope(seeded) as s:
        s.get(ApprovalCase, case_id).department_id = other
    with Session(seeded) as s:
        req = s.execute(select(SyncRequest).where(SyncRequest.done_at.is_(None))).scalar_one()
    assert json.loads(req.departments) == sorted({dept, other})


def test_a_rolled_back_write_asks_for_nothing(seeded):
    case_id, *_ = _a_case(seeded)
    with Session(seeded) as s:
        s.get(ApprovalCase, case_id).fee_charged = Decimal("1.00")
        s.flush()
        s.rollback()
        s.commit()
    assert pending(seeded) == 0


def test_the_s4_pages_data_stamp_moves_on_a_correction_not_on_a_ticket(seeded):
    """The cockpit's S4 figures are cached by `data_stamp`: a corrected case (no new row)
    moves it, a feedback ticket's save does not (it would recount a million cases)."""
    from models.feedback import Ticket
    from services.esupervision.read import data_stamp

    def stamp():  # noqa: ANN202
        with Session(seeded) as s:
            return data_stamp(session=s)

    before = stamp()
    with session_scope(seeded) as s:
        ticket = s.execute(select(Ticket).order_by(Ticket.id)).scalars().first()
        ticket.address = ticket.address + "（补）"
    assert pending(seeded) == 1  # the ticket's save asked for its own lights ...
    assert stamp() == before      # ... and the S4 figures stay cached
    case_id, *_ = _a_case(seeded)
    with session_scope(seeded) as s:
        s.get(ApprovalCase, case_id).fee_charged = Decimal("1.00")
    after = stamp()
    assert after != before and after[:4] == before[:4]  # no new row: the request moved it

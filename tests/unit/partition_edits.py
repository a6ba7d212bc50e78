"""The random edits of the partition property tests (tests/unit/test_lights_partitions.py):
each writes straight into the tables on a Connection, picks its rows from `n`, and returns the
departments it touched (before and after); and `alert_table`, the state the partition and
sweep contracts compare."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import Connection, select, text, update
from sqlalchemy.engine import Engine

from core.clock import china_today
from models.feedback import Ticket
from models.lights import Alert, SupervisionOrder
from models.trading import TradeBid, TradeContract, TradeProcess


def alert_table(engine: Engine) -> set[tuple]:
    """Every alert's key, level, status, department, region, facts and rule version."""
    a = Alert
    with engine.connect() as conn:
        return {tuple(r) for r in conn.execute(select(
            a.rule_id, a.subject_type, a.subject_id, a.level, a.status, a.department_id,
            a.region_code, a.facts, a.facts_hash, a.rule_version))}


def _pick(conn: Connection, sql: str, n: int) -> tuple | None:
    rows = conn.execute(text(sql)).all()
    return tuple(rows[n % len(rows)]) if rows else None


def _depts(conn: Connection, sql: str, **params) -> set[int]:
    return {d for (d,) in conn.execute(text(sql), params) if d is not None}


def _move(conn: Connection, table: str, n: int, other_n: int) -> set[int]:
    """Row n of `table` moved to department other_n: both departments are touched."""
    row = _pick(conn, f"SELECT id, department_id FROM {table} ORDER BY id", n)
    other = _pick(conn, "SELECT id FROM department ORDER BY id", other_n)
    conn.execute(text(f"UPDATE {table} SET department_id = :d WHERE id = :i"),
                 {"d": other[0], "i": row[0]})
    return {row[1], other[0]}


def move_case(conn: Connection, n: int) -> set[int]:
    return _move(conn, "approval_case", n, n // 7)


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


def slow_down(conn: Connection, department_id: int, code: str, days: int) -> None:
    """The department's finished cases of every version of power `code`, `days` later."""
    rows = conn.execute(text("SELECT id, finished_at FROM approval_case WHERE department_id = :d "
                             "AND status = 'finished' AND power_id IN "
                             "(SELECT id FROM power WHERE code = :c)"),
                        {"d": department_id, "c": code}).all()
    for case_id, finished in rows:
        finished = datetime.fromisoformat(finished) if isinstance(finished, str) else finished
        conn.execute(text("UPDATE approval_case SET finished_at = :f WHERE id = :i"),
                     {"f": finished + timedelta(days=days), "i": case_id})


def slow_power(conn: Connection, n: int) -> set[int]:
    """A department's finished cases of one power, concluded some days later (AP-Y6 compares
    its median with the other departments of the same power item)."""
    row = _pick(conn, "SELECT c.department_id, p.code FROM approval_case c "
                      "JOIN power p ON p.id = c.power_id WHERE c.status = 'finished' "
                      "GROUP BY c.department_id, p.code HAVING COUNT(*) >= 5 "
                      "ORDER BY c.department_id, p.code", n)
    slow_down(conn, row[0], row[1], 5 + n % 60)
    return {row[0]}


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
    return _move(conn, "special_fund", n, n // 3)


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


def _other_department(conn: Connection, n: int, not_id: int) -> int:
    rows = [d for (d,) in conn.execute(text("SELECT id FROM department WHERE id <> :d "
                                            "ORDER BY id"), {"d": not_id})]
    return rows[n % len(rows)]


# ---- S5: tickets and their moves (FB-Y1 … FB-Y5 by the ticket's or the move's department) ----

def ticket_status(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM fb_ticket WHERE department_id IS NOT NULL "
                      "ORDER BY id", n)
    status = ("dispatched", "signed", "processing", "replied", "closed")[n % 5]
    conn.execute(update(Ticket).where(Ticket.id == row[0]).values(status=status))
    return {row[1]}


def move_ticket(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM fb_ticket WHERE department_id IS NOT NULL "
                      "ORDER BY id", n)
    other = _other_department(conn, n // 11, row[1])
    conn.execute(update(Ticket).where(Ticket.id == row[0]).values(department_id=other))
    return {row[1], other}


def reopen_ticket(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM fb_ticket WHERE department_id IS NOT NULL "
                      "ORDER BY id", n)
    conn.execute(update(Ticket).where(Ticket.id == row[0])
                 .values(reopen_count=n % 4, status="processing"))
    return {row[1]}


def rate_ticket(conn: Connection, n: int) -> set[int]:
    """A callback (回访) rated, on a day near its reception: FB-Y4's window moves with it."""
    row = conn.execute(select(Ticket.id, Ticket.department_id, Ticket.received_at)
                       .where(Ticket.department_id.is_not(None)).order_by(Ticket.id)).all()
    ticket_id, dept, received = row[n % len(row)]
    conn.execute(update(Ticket).where(Ticket.id == ticket_id).values(
        satisfaction=("unsatisfied", "satisfied", "basically")[n % 3],
        visited_at=received + timedelta(days=n % 30)))
    return {dept}


def return_ticket(conn: Connection, n: int) -> set[int]:
    """One more 退单 (return) by a department that was given tickets (FB-Y5)."""
    row = _pick(conn, "SELECT id, department_id FROM fb_event WHERE department_id IS NOT NULL "
                      "ORDER BY id", n)
    conn.execute(text("INSERT INTO fb_event (ticket_id, action, from_status, to_status, at, "
                      "actor, department_id, note, public) SELECT ticket_id, 'return', "
                      "from_status, to_status, at, actor, department_id, note, public "
                      "FROM fb_event WHERE id = :i"), {"i": row[0]})
    return {row[1]}


# ---- LC: 督办 orders (LC-R1 by the order's department) ----

def order_due(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM supervision_order ORDER BY id", n)
    conn.execute(update(SupervisionOrder).where(SupervisionOrder.id == row[0]).values(
        due_date=china_today() + timedelta(days=10 - n % 40),
        status=("issued", "answered", "returned", "accepted")[n % 4]))
    return {row[1]}


def move_order(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM supervision_order ORDER BY id", n)
    other = _other_department(conn, n // 5, row[1])
    conn.execute(update(SupervisionOrder).where(SupervisionOrder.id == row[0])
                 .values(department_id=other, due_date=china_today() - timedelta(days=n % 30)))
    return {row[1], other}


# ---- S2: processes and bids (the TR law rules and Cardinal's per-process indicators by the
# buyer department; the fenced indicators run whole) ----

def _bid(conn: Connection, n: int) -> tuple:
    return _pick(conn, "SELECT b.id, p.department_id, b.process_id FROM trade_bid b "
                       "JOIN trade_process p ON p.id = b.process_id ORDER BY b.id", n)


def drop_bid(conn: Connection, n: int) -> set[int]:
    bid, dept, _ = _bid(conn, n)
    conn.execute(text("DELETE FROM trade_bid WHERE id = :i"), {"i": bid})
    return {dept}


def copy_bid(conn: Connection, n: int) -> set[int]:
    """A second bid like an existing one from another tenderer of the register: the same price
    (R028), bond account (TR-R3) and agent (TR-R5)."""
    bid, dept, _ = _bid(conn, n)
    tenderer = _pick(conn, "SELECT uscc FROM trade_party ORDER BY uscc", n // 13)[0]
    # numbered past the newest bid's id, which only grows: the same edit twice stays two bids,
    # even after a bid was dropped (a count of them once came back to an earlier number)
    seq = conn.execute(text("SELECT max(id) + 1 FROM trade_bid")).scalar_one()
    conn.execute(text("INSERT INTO trade_bid (process_id, bid_no, tenderer_uscc, amount, "
                      "received_at, status, bond_account, bond_payer, bond_amount, agent_name, "
                      "project_manager) SELECT process_id, :no, :t, amount, received_at, "
                      "status, bond_account, bond_payer, bond_amount, agent_name, "
                      "project_manager FROM trade_bid WHERE id = :i"),
                 {"no": f"PROP-{n}-{bid}-{seq}", "t": tenderer, "i": bid})
    return {dept}


def late_bid(conn: Connection, n: int) -> set[int]:
    """A bid received after the deadline (TR-R6, and R030 when it wins)."""
    bid, dept, process = _bid(conn, n)
    end = conn.execute(select(TradeProcess.tender_end)
                       .where(TradeProcess.id == process)).scalar_one()
    if end is not None:
        conn.execute(update(TradeBid).where(TradeBid.id == bid)
                     .values(received_at=end + timedelta(hours=1 + n % 48)))
    return {dept}


def move_process(conn: Connection, n: int) -> set[int]:
    row = _pick(conn, "SELECT id, department_id FROM trade_process ORDER BY id", n)
    other = _other_department(conn, n // 3, row[1])
    conn.execute(text("UPDATE trade_process SET department_id = :d WHERE id = :i"),
                 {"d": other, "i": row[0]})
    return {row[1], other}


def shorten_period(conn: Connection, n: int) -> set[int]:
    """The submission period cut to a few days (TR-R2, R003)."""
    row = conn.execute(select(TradeProcess.id, TradeProcess.department_id,
                              TradeProcess.tender_end)
                       .where(TradeProcess.tender_end.is_not(None))
                       .order_by(TradeProcess.id)).all()
    process, dept, end = row[n % len(row)]
    conn.execute(update(TradeProcess).where(TradeProcess.id == process)
                 .values(tender_start=end - timedelta(days=n % 25)))
    return {dept}


def resize_contract(conn: Connection, n: int) -> set[int]:
    """A contract's amount changed (TR-R8 split contracts, TR-R10 amendments)."""
    row = _pick(conn, "SELECT c.id, p.department_id FROM trade_contract c "
                      "JOIN trade_process p ON p.id = c.process_id ORDER BY c.id", n)
    conn.execute(update(TradeContract).where(TradeContract.id == row[0])
                 .values(amount=Decimal(1_000_000 + (n % 3_000_000))))
    return {row[1]}


S4_S1_EDITS = [move_case, overcharge_case, reopen_case, drop_steps, copy_payment, drop_payment,
               move_fund, strip_measures, unrectify, drop_flow_step, slow_power]
AP_Y6_EDITS = [slow_power, move_case, reopen_case]
S5_LC_EDITS = [ticket_status, move_ticket, reopen_ticket, rate_ticket, return_ticket, order_due,
               move_order]
S2_EDITS = [drop_bid, copy_bid, late_bid, move_process, shorten_period, resize_contract]
EDITS = S4_S1_EDITS + S5_LC_EDITS + S2_EDITS

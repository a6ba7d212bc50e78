"""Demo step `supervision` (S4): twelve months of approval cases on the demo catalog's powers
in force, their steps along each power's flow chart, legally excluded suspensions, and special
funds with their payments. Deterministic (one seeded random.Random); dates are relative to the
day of seeding. Written in bulk with explicit ids (COPY on PostgreSQL, executemany on SQLite).

A province's flow: cases arrive on every working day of the year; the cases open today follow
Little's law per power (arrivals per working day times the working days a case takes), several
hundred of them, some suspended right now; ~5 % are rejected (with a reason), ~1 % withdrawn.

Clean cases raise no light by construction: every step within its own limit, the case within
its promised limit, the path a start-to-end path of the flow chart, the fee at the standard,
online powers handled online, suspensions ≤ 8 working days with a reason, open cases far from
their deadline, rejections with a reason; finished cases' elapsed working days per power form a
multiset symmetric around one value per power name, so every department has the same median
(AP-Y6 never fires). Clean funds: paid ≤ 95 % of budget, ≥ 35 % six months after allocation,
amounts ≤ 80 % of the approval threshold and unique per recipient, ≤ 35 % of a year in December.

Planted violations (case numbers end in the 6-digit serial 900000 + k; fund codes end in -9k):
  AP-Y1 900001; AP-R1 900002, 900003; AP-Y2 900004; AP-R2 900005, 900006; AP-R3 900007;
  AP-Y3 900008 (too long), 900009 (no reason); AP-Y4 900010; AP-Y5 900011;
  AP-Y6 one department's cases 900100… for one power name (median above the others');
  FD-R1 -901 (paid 112 % of budget); FD-R2 -902 (same amount to the same recipient twice,
  9 days apart); FD-Y1 -903 (3 payments of 88–97 % of the threshold in 20 days);
  FD-Y2 -904 (10 % paid eight months after allocation); FD-Y3 -905 (60 % paid in December).

Organic violations (seed_violations.ORGANIC_CASES, serials 800000 + k; companions 850000 + k): the
few a province sees on any day, on powers of a few lax departments: AP-R1 open past due and
finished a few days late, AP-Y1 near the limit, AP-Y2, AP-Y3, AP-Y4, AP-Y5.

The pieces: seed_writer (working-day clock, bulk writes), seed_cases (cases),
seed_violations (their planted and organic violations), seed_funds (funds, payments and theirs)."""

from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import text
from sqlmodel import Session

from core.clock import china_today
from models.esupervision import ApprovalCase, CaseSuspension
from services.esupervision.seed_cases import Y6_SERIAL, powers_in_force, write_cases
from services.esupervision.seed_funds import PLANTED_FUNDS, write_funds
from services.esupervision.seed_violations import COMPANION, ORGANIC_CASES, PLANTED_CASES
from services.esupervision.seed_writer import Clock, Writer, next_id
from services.platform import audit
from services.platform.workcalendar import load_calendar

__all__ = ["COMPANION", "ORGANIC_CASES", "PLANTED_CASES", "PLANTED_FUNDS", "SEED", "Y6_SERIAL", "seed_supervision"]

SEED = 20260601


def seed_supervision(session: Session, *, scale: str, today: date | None = None) -> dict[str, int]:
    rng = random.Random(SEED)
    today = today or china_today()
    conn = session.connection()
    if conn.dialect.name == "sqlite" and scale == "province":
        # a million cases go into five indexes: give SQLite a page cache that holds them
        conn.exec_driver_sql("PRAGMA cache_size=-524288")
    cal = load_calendar(today - timedelta(days=400), today + timedelta(days=60), session=session)
    clock = Clock(cal, conn.dialect.name, today)
    powers, _, _ = powers_in_force(session=session)
    w = Writer(conn, clock, next_id(session=session, model=ApprovalCase), 0,
               next_id(session=session, model=CaseSuspension))
    if powers:
        write_cases(w, powers, rng, scale)
    w.flush()
    # funds draw from their own stream: the cases' draws depend on the day's working-day
    # calendar, and S2's companies are drawn from these recipients (a demo the same every day)
    funds, payments = write_funds(session=session, rng=random.Random(SEED + 1), scale=scale, today=today)
    if conn.dialect.name == "postgresql":
        for table in ("approval_case", "case_suspension", "special_fund"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    counts = w.counts | {"special_funds": funds, "fund_payments": payments}
    audit.record(session, actor="system", action="seed.supervision", entity_type="approval_case",
                 entity_id="*", after=counts)
    return counts

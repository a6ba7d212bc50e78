"""S5 KPIs counted in SQL (services.feedback.kpi_sql) equal the pure definition
(metrics.feedback.kpis.kpi_table over the ticket frame) on both databases: exact figures at the
China-midnight boundaries, then random tickets (hypothesis) with null deadlines, merged and
repeated tickets, and timestamps at 15:59:59 / 16:00:00 UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from metrics.feedback.flow import STATUSES
from metrics.feedback.kpis import kpi_table, with_month
from models.feedback import Category, Ticket
from models.org import Department
from services.feedback.kpi_sql import kpi_parts, kpi_sql, kpis_from
from services.feedback.read import ticket_frame

BASE = date(2031, 3, 1)  # after every demo ticket: the window holds only this test's tickets
SINCE, UNTIL = BASE - timedelta(days=40), BASE + timedelta(days=40)
FIRST_ID = 50_000_000
EDGES = (time(15, 59, 59), time(16, 0, 0), time(0, 0, 0), time(23, 59, 59), time(8, 30))


def _at(day: date, clock: time) -> datetime:
    return datetime.combine(day, clock, UTC)


def _catalog(conn: Connection) -> tuple[list[int], list[tuple[str, str]], list[str]]:
    depts = conn.execute(select(Department.id, Department.region_code).order_by(Department.id)
                         .limit(3)).all()
    cats = list(conn.execute(select(Category.code).order_by(Category.code).limit(2)).scalars())
    return [d for d, _ in depts], [(r, r) for _, r in depts], cats


def _insert(conn: Connection, rows: list[dict]) -> None:
    base = {"query_hash": "x", "channel": "hotline", "content": "测试诉求内容", "address": "",
            "address_norm": "", "contact_mask": "", "extension_days": 0, "extension_pending": 0,
            "published": True, "updated_at": _at(BASE, time(0)), "merged_into_id": None}
    conn.execute(insert(Ticket), [base | {"ticket_no": f"KPI{r['id']}"} | r for r in rows])


def _compare(conn: Connection, today: date) -> None:
    frame = with_month(ticket_frame(conn, None, since=SINCE, until=UNTIL))
    for by in ([], ["department_id"], ["region_code"], ["month"], ["category_code"]):
        assert_frame_equal(kpi_sql(conn, None, by=by, today=today, since=SINCE, until=UNTIL),
                           kpi_table(frame, by, today))
    parts = kpi_parts(conn, None, by=["month", "department_id"], today=today, since=SINCE, until=UNTIL)
    assert_frame_equal(kpis_from(parts, ["department_id"]), kpi_table(frame, ["department_id"], today))


def test_boundaries_exact(seeded):
    with seeded.connect() as conn, conn.begin() as tx:
        depts, regions, cats = _catalog(conn)
        d, (region, _), cat = depts[0], regions[0], cats[0]
        due = BASE + timedelta(days=2)

        def row(i: int, **kw) -> dict:  # noqa: ANN003
            return {"id": FIRST_ID + i, "received_at": _at(BASE, time(1)), "category_code": cat,
                    "region_code": region, "status": "signed", "department_id": d, "sign_due": due,
                    "reply_due": None, "signed_at": None, "replied_at": None, "visited_at": None,
                    "resolved": None, "satisfaction": None, "reopen_count": 0, "return_count": 0,
                    "repeat_of_id": None} | kw

        _insert(conn, [
            row(1, signed_at=_at(due, time(15, 59, 59))),          # 23:59:59 in China: on time
            row(2, signed_at=_at(due, time(16, 0, 0))),            # 00:00 the next day: late
            row(3, signed_at=_at(due - timedelta(days=1), time(16, 0, 0))),  # due day 00:00: on time
            row(4, sign_due=None, status="received"),              # never dispatched
            row(5, status="merged", repeat_of_id=FIRST_ID + 1),    # repeat only
            # received 16:00 UTC on the last day of March: April in China
            row(6, received_at=_at(date(2031, 3, 31), time(16, 0)), status="dispatched"),
        ])
        k = kpi_sql(conn, None, by=[], today=due, since=SINCE, until=UNTIL).row(0, named=True)
        assert (k["received"], k["response_num"], k["response_den"]) == (5, 2, 3)
        assert (k["repeat_num"], k["repeat_den"], k["reopen_den"]) == (1, 6, 4)
        months = kpi_sql(conn, None, by=["month"], today=due, since=SINCE, until=UNTIL)
        assert months.select("month", "received").rows() == [("2031-03", 4), ("2031-04", 1)]
        # a day later the unsigned ticket 6 is due too: 2 of 4
        later = kpi_sql(conn, None, by=[], today=due + timedelta(days=1), since=SINCE, until=UNTIL)
        assert (later["response_num"][0], later["response_den"][0]) == (2, 4)
        _compare(conn, due)
        tx.rollback()


def _stamp(draw, day: date) -> datetime:  # noqa: ANN001
    return _at(day + timedelta(days=draw(st.integers(-2, 2))), draw(st.sampled_from(EDGES)))


@st.composite
def tickets(draw) -> list[dict]:  # noqa: ANN001
    n = draw(st.integers(1, 25))
    out = []
    for i in range(n):
        received = BASE + timedelta(days=draw(st.integers(-35, 35)))
        sign_due = draw(st.none() | st.just(received + timedelta(days=draw(st.integers(0, 3)))))
        reply_due = draw(st.none() | st.just(received + timedelta(days=draw(st.integers(1, 12)))))
        out.append({
            "id": FIRST_ID + i, "received_at": _stamp(draw, received), "status": draw(st.sampled_from(STATUSES)),
            "dept": draw(st.integers(0, 3)), "cat": draw(st.integers(0, 1)),
            "sign_due": sign_due, "reply_due": reply_due,
            "signed_at": None if sign_due is None or draw(st.booleans()) else _stamp(draw, sign_due),
            "replied_at": None if reply_due is None or draw(st.booleans()) else _stamp(draw, reply_due),
            "visited_at": draw(st.none() | st.just(_stamp(draw, received + timedelta(days=10)))),
            "resolved": draw(st.none() | st.booleans()),
            "satisfaction": draw(st.none() | st.sampled_from(("satisfied", "basically", "unsatisfied"))),
            "reopen_count": draw(st.integers(0, 2)), "return_count": draw(st.integers(0, 2)),
            "repeat_of_id": FIRST_ID + draw(st.integers(0, i - 1)) if i and draw(st.booleans()) else None,
        })
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=tickets(), today_offset=st.integers(-5, 45))
def test_sql_kpis_equal_the_definition_on_random_tickets(seeded, rows, today_offset):
    with seeded.connect() as conn, conn.begin() as tx:
        depts, regions, cats = _catalog(conn)
        for r in rows:
            k = r.pop("dept")
            r["department_id"] = depts[k] if k < len(depts) else None   # 3: no department yet
            r["region_code"] = regions[k % len(regions)][0]
            r["category_code"] = cats[r.pop("cat")]
        _insert(conn, rows)
        _compare(conn, BASE + timedelta(days=today_offset))
        tx.rollback()

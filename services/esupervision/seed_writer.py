"""Bulk writing for the S4 demo seed: working days as ordinals with timestamps pre-formatted in
the driver's text form (UTC), a case writer that lays steps and suspensions along a flow path,
and chunked COPY (PostgreSQL) / executemany (SQLite) with explicit ids."""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models.esupervision import ApprovalCase, CaseStep, CaseSuspension

HANDLER_NAMES = [f"{n}经办" for n in ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")]
CHUNK = 40_000
DATE_COLUMNS = ("start_on", "end_on", "paid_on", "allocated_on")


class Clock:
    """Working days as ordinals; timestamps as strings in the driver's format (UTC)."""

    def __init__(self, cal, dialect: str, today: date) -> None:  # noqa: ANN001
        days = cal.frame.filter(cal.frame["is_workday"])
        self.workday = dict(zip(days["ordinal"].to_list(), days["day"].to_list(), strict=True))
        self.ordinal = dict(zip(cal.frame["day"].to_list(), cal.frame["ordinal"].to_list(), strict=True))
        self.today = today
        self.t = self.ordinal[today]  # a weekend or holiday shares the last workday's ordinal
        suffix = "+00" if dialect == "postgresql" else ".000000"
        self._day = {o: d.isoformat() + " " for o, d in self.workday.items()}
        # minute past midnight Asia/Shanghai (08:00–23:59) -> "HH:MM:00" in UTC
        self._time = [f"{(m - 480) // 60:02d}:{(m - 480) % 60:02d}:00{suffix}" if m >= 480 else ""
                      for m in range(1440)]

    def ts(self, ordinal: int, minute: int) -> str:
        """Workday `ordinal` at `minute` past midnight Asia/Shanghai (08:00–23:59), in UTC."""
        return self._day[ordinal] + self._time[minute]


def rand_int(rng: random.Random, a: int, b: int) -> int:
    """rng.randint without its overhead (the province seed draws millions)."""
    return a + int(rng.random() * (b - a + 1))


def split_days(total: int, limits: list[int | None], cap_free: int) -> list[int]:
    """Durations per step summing to `total`, each within its limit (None: up to cap_free)."""
    caps = [lim if lim is not None else cap_free for lim in limits]
    weight = sum(caps) or 1
    out = [min(c, total * c // weight) for c in caps]
    rest = total - sum(out)
    i = 0
    while rest > 0 and i < 10 * len(caps):
        k = i % len(caps)
        if out[k] < caps[k]:
            out[k] += 1
            rest -= 1
        i += 1
    if rest > 0:
        out[-1] += rest
    return out


class Writer:
    def __init__(self, conn: Connection, clock: Clock, next_case: int, next_step: int,
                 next_susp: int) -> None:
        self.conn, self.clock = conn, clock
        self.case_id, self.step_id, self.susp_id = next_case, next_step, next_susp
        self.cases: list[tuple] = []
        self.steps: list[tuple] = []
        self.susps: list[tuple] = []
        self.counts = dict.fromkeys(("cases", "case_steps", "case_suspensions"), 0)

    def add(self, p: dict, *, serial: int, received: int, minute: int, path: list[int],
            durations: list[int], status: str, open_elapsed: int | None = None,
            channel: str | None = None, fee: float | None = None, reason: str | None = None,
            suspension: tuple[int, int, str, str | None] | None = None, rng: random.Random) -> None:
        """`durations[i]`: working days of path[i]; an open case stops at `open_elapsed`.
        `suspension`: (step index, working days, kind, reason) inside that step."""
        c = self.clock
        self.case_id += 1
        cid = self.case_id
        o, m = received, minute
        recv_ts = c.ts(o, m)
        finished_ts = None
        used = 0
        for i, (seq, d) in enumerate(zip(path, durations, strict=True)):
            start_o, start_m = o, m
            extra = 0
            if suspension and suspension[0] == i:
                _, k, kind, why = suspension
                self.susp_id += 1
                end_on = c.workday[o + k] if status not in ("in_progress", "suspended") or \
                    o + k <= c.t else None
                self.susps.append((self.susp_id, cid, kind, c.workday[o + 1], end_on, why))
                extra = k
            is_open = open_elapsed is not None and used + d >= open_elapsed and \
                status in ("in_progress", "suspended")
            if is_open:
                self.steps.append((cid, seq, c.ts(start_o, start_m), None,
                                   HANDLER_NAMES[int(rng.random() * len(HANDLER_NAMES))]))
                break
            o = o + extra + d
            m = start_m + rand_int(rng, 10, 40) if o == start_o else rand_int(rng, 540, 1020)
            self.steps.append((cid, seq, c.ts(start_o, start_m), c.ts(o, m),
                               HANDLER_NAMES[int(rng.random() * len(HANDLER_NAMES))]))
            used += d
        if status not in ("in_progress", "suspended"):
            finished_ts = c.ts(o, m + 1)
        self.cases.append((
            cid, f"{p['dept_code']}{c.workday[received].year}{serial:06d}", p["id"],
            p["department_id"], p["region_code"],
            channel or ("online" if p["online_available"] else "window"), recv_ts,
            p["promised_limit_days"], status, finished_ts,
            {"finished": "准予许可", "rejected": "不予许可", "withdrawn": "申请人撤回"}.get(status),
            reason, p["fee_standard"] or 0.0 if fee is None else fee, recv_ts))
        if len(self.cases) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        write(self.conn, ApprovalCase.__table__, CASE_COLUMNS, self.cases)
        write(self.conn, CaseStep.__table__, STEP_COLUMNS, self.steps)
        write(self.conn, CaseSuspension.__table__, SUSP_COLUMNS, self.susps)
        self.counts["cases"] += len(self.cases)
        self.counts["case_steps"] += len(self.steps)
        self.counts["case_suspensions"] += len(self.susps)
        self.cases, self.steps, self.susps = [], [], []


CASE_COLUMNS = ["id", "case_no", "power_id", "department_id", "region_code", "channel",
                "received_at", "promised_limit_days", "status", "finished_at", "result",
                "reject_reason", "fee_charged", "created_at"]
STEP_COLUMNS = ["case_id", "seq", "started_at", "finished_at", "handler"]
SUSP_COLUMNS = ["id", "case_id", "kind", "start_on", "end_on", "reason"]
FUND_COLUMNS = ["id", "code", "name", "department_id", "region_code", "year", "budget", "purpose",
                "allocated_on", "approval_threshold", "created_at"]
PAY_COLUMNS = ["fund_id", "recipient_name", "recipient_uscc", "amount", "paid_on", "voucher"]


def write(conn: Connection, table, columns: list[str], rows: list[tuple]) -> None:  # noqa: ANN001
    """Rows already in the driver's formats (timestamps and dates as strings)."""
    if not rows:
        return
    quoted = ", ".join(f'"{c}"' for c in columns)
    if conn.dialect.name == "postgresql":
        raw = conn.connection.driver_connection
        with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({quoted}) FROM STDIN') as copy:
            for r in rows:
                copy.write_row(r)
    else:
        marks = ", ".join("?" for _ in columns)
        dated = {i for i, c in enumerate(columns) if c in DATE_COLUMNS}
        if dated:
            rows = [tuple(v.isoformat() if i in dated and v is not None else v
                          for i, v in enumerate(r)) for r in rows]
        conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({quoted}) VALUES ({marks})', rows)


def next_id(*, session: Session, model) -> int:  # noqa: ANN001
    """The highest id in `model`'s table (0 when empty): the seed writes explicit ids above it."""
    return session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()

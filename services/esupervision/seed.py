"""Demo step `supervision` (S4): twelve months of approval cases on the demo catalog's powers
in force, their steps along each power's flow chart, legally excluded suspensions, and special
funds with their payments. Deterministic (one seeded random.Random); dates are relative to the
day of seeding. Written in bulk with explicit ids (COPY on PostgreSQL, executemany on SQLite).

Clean cases raise no light by construction: every step within its own limit, the case within
its promised limit, the path a start-to-end path of the flow chart, the fee at the standard,
online powers handled online, suspensions ≤ 8 working days with a reason, open cases far from
their deadline, rejections with a reason; finished cases' elapsed working days per power form a
multiset symmetric around one value per power name, so every department has the same median
(AP-Y6 never fires). Clean funds: paid ≤ 95 % of budget, ≥ 35 % six months after allocation,
amounts ≤ 80 % of the approval threshold and unique per recipient, ≤ 35 % of a year in December.

Planted violations (case numbers end in the 6-digit serial 900000 + k; fund codes end in -9k):"""

from __future__ import annotations

import math
import random
import sys
from collections import defaultdict
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from core.clock import china_today
from models.esupervision import ApprovalCase, CaseStep, CaseSuspension, FundPayment, SpecialFund
from models.org import Department
from models.power import Power, PowerEdge, PowerStep
from services.platform import audit
from services.platform.workcalendar import load_calendar
from services.power.catalog import in_force_clause

SEED = 20260601
# rule -> planted case serials (case_no ends with f"{900000 + k:06d}")
PLANTED_CASES: dict[str, tuple[int, ...]] = {
    "AP-Y1": (1,),        # open, 1 working day left
    "AP-R1": (2, 3),      # 2: finished 2 working days late; 3: open, 3 working days past due
    "AP-Y2": (4,),        # one step 1 working day over its limit, the case within its total
    "AP-R2": (5, 6),      # 5: skipped a step; 6: two steps swapped
    "AP-R3": (7,),        # fee above the standard (or charged on a free power)
    "AP-Y3": (8, 9),      # 8: 补正材料 suspension of 12 working days; 9: suspension without reason
    "AP-Y4": (10,),       # rejected without a reason
    "AP-Y5": (11,),       # handled at the window though the power is online
}
COMPANION = 50            # clean companions keep per-power medians: serial 900050 + k
Y6_SERIAL = 100           # AP-Y6: every finished case of one department for one power name
# rule -> planted fund (code ends with f"-9{k:02d}")
PLANTED_FUNDS: dict[str, int] = {"FD-R1": 1, "FD-R2": 2, "FD-Y1": 3, "FD-Y2": 4, "FD-Y3": 5}
__doc__ += """
  AP-Y1 900001; AP-R1 900002, 900003; AP-Y2 900004; AP-R2 900005, 900006; AP-R3 900007;
  AP-Y3 900008 (too long), 900009 (no reason); AP-Y4 900010; AP-Y5 900011;
  AP-Y6 one department's cases 900100… for one power name (median above the others');
  FD-R1 -901 (paid 112 % of budget); FD-R2 -902 (same amount to the same recipient twice,
  9 days apart); FD-Y1 -903 (3 payments of 88–97 % of the threshold in 20 days);
  FD-Y2 -904 (10 % paid eight months after allocation); FD-Y3 -905 (60 % paid in December).
"""

TARGET_CASES = {"small": 9000, "province": 1_060_000}
BUDGET_SHARES = {"small": (5, 20), "province": (15, 60)}  # budget in approval thresholds
FUNDS_PER_DEPT = {"small": 1, "province": 9}
FUND_KINDS = ("cz", "nyncj", "sl", "jtys", "jy", "wsjk", "rlsb", "zjj")
CATEGORY_WEIGHT = {"行政许可": 6.0, "行政确认": 4.0, "其他": 2.0, "行政征收": 1.5, "行政给付": 1.5,
                   "行政处罚": 1.0, "行政强制": 0.4, "行政检查": 1.0, "行政奖励": 0.3, "行政裁决": 0.3}
SUSPENSIONS = [("补正材料", "申请材料不齐全，已一次性告知补正内容"), ("检验检测", "需委托第三方检验检测"),
               ("专家评审", "技术方案需组织专家评审"), ("听证", "申请人依法申请听证")]
REJECT = ["申请材料不符合法定形式，经补正仍不符合", "不符合法定条件和标准", "申请事项不属于本机关职权范围"]
HANDLER_NAMES = [f"{n}经办" for n in ("王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴")]
RECIPIENTS = ["农业发展有限公司", "水利工程有限公司", "建设集团有限公司", "农民专业合作社",
              "交通工程有限公司", "教育科技有限公司", "医疗器械有限公司", "劳务服务有限公司"]
FUND_NAMES = {"cz": "财政专项转移支付资金", "nyncj": "高标准农田建设补助资金", "sl": "水利发展资金",
              "jtys": "农村公路建设补助资金", "jy": "义务教育薄弱环节改善资金", "wsjk": "基本公共卫生服务补助资金",
              "rlsb": "就业补助资金", "zjj": "老旧小区改造补助资金"}
CHUNK = 40_000
DATE_COLUMNS = ("start_on", "end_on", "paid_on", "allocated_on")


# ---- time: working-day ordinals and timestamp strings ------------------------------------

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


def _int(rng: random.Random, a: int, b: int) -> int:
    """rng.randint without its overhead (the province seed draws millions)."""
    return a + int(rng.random() * (b - a + 1))


def _split(total: int, limits: list[int | None], cap_free: int) -> list[int]:
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


def _main_path(seqs: list[int], edges: list[tuple[int, int]]) -> list[int]:
    return list(_main_path_cached(tuple(seqs), tuple(sorted(edges))))


@lru_cache(maxsize=4096)
def _main_path_cached(seqs: tuple[int, ...], edges: tuple[tuple[int, int], ...]) -> tuple[int, ...]:
    """The longest simple path from the start step to an end step (ties: lower seqs)."""
    succ: dict[int, list[int]] = defaultdict(list)
    for a, b in sorted(edges):
        succ[a].append(b)
    targets = {b for _, b in edges}
    starts = [s for s in seqs if s not in targets] or seqs[:1]
    best: list[int] = []

    def walk(path: list[int]) -> None:
        nonlocal best
        nxt = [b for b in succ[path[-1]] if b not in path]
        if not succ[path[-1]] and len(path) > len(best):
            best = list(path)
        for b in nxt:
            walk([*path, b])

    walk([starts[0]])
    return tuple(best or seqs[:1])


# ---- cases -------------------------------------------------------------------------------

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
            m = start_m + _int(rng, 10, 40) if o == start_o else _int(rng, 540, 1020)
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


def _powers(session: Session) -> tuple[list[dict], dict[int, list], dict[int, list]]:
    rows = session.execute(
        select(Power.id, Power.name, Power.category, Power.department_id, Power.region_code,
               Power.promised_limit_days, Power.fee_standard, Power.online_available,
               Department.code, Department.kind)
        .join(Department, Department.id == Power.department_id)
        .where(in_force_clause()).order_by(Power.id)).all()
    steps: dict[int, list] = defaultdict(list)
    edges: dict[int, list] = defaultdict(list)
    for pid, seq, lim in session.execute(select(PowerStep.power_id, PowerStep.seq, PowerStep.limit_days)
                                         .where(PowerStep.power_id.in_(select(Power.id).where(in_force_clause())))
                                         .order_by(PowerStep.power_id, PowerStep.seq)):
        steps[pid].append((seq, lim))
    for pid, a, b in session.execute(select(PowerEdge.power_id, PowerEdge.from_seq, PowerEdge.to_seq)
                                     .where(PowerEdge.power_id.in_(select(Power.id).where(in_force_clause())))):
        edges[pid].append((a, b))
    keys = ("id", "name", "category", "department_id", "region_code", "promised_limit_days",
            "fee_standard", "online_available", "dept_code", "dept_kind")
    powers = []
    for r in rows:
        p = dict(zip(keys, r, strict=True))
        st = steps.get(p["id"])
        if not st or p["promised_limit_days"] < 1:
            continue
        limit_of = dict(st)
        path = _main_path([s for s, _ in st], edges.get(p["id"], []))
        p["path"] = path
        p["limits"] = [limit_of.get(s) for s in path]
        p["edges"] = set(edges.get(p["id"], []))
        lims = p["limits"]
        p["cap"] = min(p["promised_limit_days"],
                       sum(x if x is not None else p["promised_limit_days"] for x in lims))
        powers.append(p)
    return powers, steps, edges


def _next_id(session: Session, model) -> int:  # noqa: ANN001
    return session.execute(select(func.coalesce(func.max(model.id), 0))).scalar_one()


def seed_supervision(session: Session, *, scale: str, today: date | None = None) -> dict[str, int]:
    rng = random.Random(SEED)
    today = today or china_today()
    conn = session.connection()
    if conn.dialect.name == "sqlite" and scale == "province":
        # a million cases go into five indexes: give SQLite a page cache that holds them
        conn.exec_driver_sql("PRAGMA cache_size=-524288")
    cal = load_calendar(conn.engine, today - timedelta(days=400), today + timedelta(days=60))
    clock = Clock(cal, conn.dialect.name, today)
    powers, _, _ = _powers(session)
    w = Writer(conn, clock, _next_id(session, ApprovalCase), 0, _next_id(session, CaseSuspension))
    if powers:
        _cases(w, powers, rng, scale)
    w.flush()
    funds, payments = _funds(session, conn, rng, scale, today)
    if conn.dialect.name == "postgresql":
        for table in ("approval_case", "case_suspension", "special_fund"):
            conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                              f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
    counts = w.counts | {"special_funds": funds, "fund_payments": payments}
    audit.record(session, actor="system", action="seed.supervision", entity_type="approval_case",
                 entity_id="*", after=counts)
    return counts


def _cases(w: Writer, powers: list[dict], rng: random.Random, scale: str) -> None:
    c = w.clock
    first = c.ordinal[c.today - timedelta(days=365)] + 1
    by_name: dict[str, list[dict]] = defaultdict(list)
    for p in powers:
        by_name[p["name"]].append(p)
    base_of = {n: max(0, int(0.4 * min(p["cap"] for p in ps))) for n, ps in by_name.items()}
    jitter_of = {n: min(2, base_of[n], int(0.15 * min(p["cap"] for p in ps))) for n, ps in by_name.items()}
    weights = [CATEGORY_WEIGHT.get(p["category"], 1.0) for p in powers]
    scale_k = TARGET_CASES[scale] / sum(weights)
    # AP-Y6: the power name held by most departments with room above its base
    y6_name = max((n for n, ps in by_name.items() if len(ps) >= 5
                   and min(p["cap"] for p in ps) - base_of[n] - jitter_of[n] >= 3),
                  key=lambda n: (len(by_name[n]), n), default=None)
    y6_power = by_name[y6_name][0]["id"] if y6_name else None
    serial: dict[str, int] = defaultdict(int)
    progress = _progress(len(powers), scale)

    def received_for(e: int) -> int:
        """A receipt ordinal so that a case of `e` working days concluded before today."""
        return _int(rng, first, max(first, c.t - e - 1))

    for p in powers:
        progress()
        n = max(0, round(CATEGORY_WEIGHT.get(p["category"], 1.0) * scale_k * rng.uniform(0.5, 1.5)))
        if p["name"] == y6_name:
            n = max(n, 10)
        base, jit = base_of[p["name"]], jitter_of[p["name"]]
        n_finished = round(n * 0.9)
        values: list[int] = []
        for _ in range(n_finished // 2):
            k = _int(rng, 0, jit)
            values += [base - k, base + k]
        if n_finished % 2:
            values.append(base)
        rng.shuffle(values)
        shift = 0
        if p["id"] == y6_power:
            shift = min(p["cap"] - base - jit, max(3, jit + 3))
        for i, e in enumerate(values):
            e += shift
            serial[p["dept_code"]] += 1
            no = 900000 + Y6_SERIAL + i if shift else serial[p["dept_code"]]
            susp = None
            if rng.random() < 0.06 and len(p["path"]) > 2:
                kind, why = rng.choice(SUSPENSIONS)
                susp = (1, _int(rng, 1, 8), kind, why)
            received = received_for(e + (susp[1] if susp else 0))
            w.add(p, serial=no, received=received, minute=_int(rng, 510, 900),
                  path=p["path"], durations=_split(e, p["limits"], p["promised_limit_days"]),
                  status="finished", suspension=susp, rng=rng)
        # open cases: far from the deadline, in whichever step the elapsed days reach
        room = min(p["promised_limit_days"] - 3, math.ceil(0.8 * p["promised_limit_days"]) - 1,
                   p["cap"])
        for _ in range(round(n * 0.04) if room >= 1 else 0):
            e_now = _int(rng, 1, room)
            serial[p["dept_code"]] += 1
            w.add(p, serial=serial[p["dept_code"]], received=c.t - e_now, minute=_int(rng, 510, 540),
                  path=p["path"], durations=_split(p["cap"], p["limits"], p["promised_limit_days"]),
                  status="in_progress", open_elapsed=e_now, rng=rng)
        # rejected (with a reason) and withdrawn, early in the flow
        for status in ["rejected"] * round(n * 0.05) + ["withdrawn"] * round(n * 0.01):
            k = min(2, len(p["path"]))
            serial[p["dept_code"]] += 1
            w.add(p, serial=serial[p["dept_code"]], received=received_for(1), minute=_int(rng, 510, 900),
                  path=p["path"][:k], durations=_split(min(1, p["cap"]), p["limits"][:k], 1),
                  status=status, reason=rng.choice(REJECT) if status == "rejected" else None, rng=rng)
    _plant(w, powers, rng, base_of, jitter_of, exclude={y6_power})


def _plant(w: Writer, powers: list[dict], rng: random.Random, base_of: dict, jitter_of: dict,
           exclude: set) -> None:
    c = w.clock
    pool = [p for p in powers if p["id"] not in exclude]
    used: set[int] = set()

    def pick(pred) -> dict:  # noqa: ANN001
        p = next(p for p in pool if p["id"] not in used and pred(p))
        used.add(p["id"])
        return p

    def finished(p: dict, k: int, e: int, **kw) -> None:  # noqa: ANN003
        path = kw.pop("path", p["path"])
        durations = kw.pop("durations", None) or _split(e, p["limits"], p["promised_limit_days"])
        extra = kw["suspension"][1] if kw.get("suspension") else 0
        status = kw.pop("status", "finished")
        w.add(p, serial=900000 + k, received=c.t - sum(durations) - extra - 3, minute=600,
              path=path, durations=durations, status=status, rng=rng, **kw)
        base = base_of[p["name"]]
        if status == "finished" and sum(durations) != base:
            comp = 0 if sum(durations) > base else p["cap"]
            w.add(p, serial=900000 + COMPANION + k, received=c.t - comp - 5, minute=600,
                  path=p["path"], durations=_split(comp, p["limits"], p["promised_limit_days"]),
                  status="finished", rng=rng)

    long_ = lambda p: p["promised_limit_days"] >= 5 and p["cap"] >= p["promised_limit_days"] - 1  # noqa: E731
    # AP-Y1: open with 1 working day left
    p = pick(long_)
    P = p["promised_limit_days"]
    w.add(p, serial=900001, received=c.t - (P - 1), minute=600, path=p["path"],
          durations=_split(P - 1, p["limits"], P), status="in_progress", open_elapsed=P - 1, rng=rng)
    # AP-R1: finished 2 working days late; open 3 working days past due
    p = pick(lambda p: len(p["path"]) >= 3)
    P = p["promised_limit_days"]
    finished(p, 2, P + 2, durations=[*_split(P, p["limits"], P)[:-1],
                                     _split(P, p["limits"], P)[-1] + 2])
    p = pick(lambda p: len(p["path"]) >= 3)
    P = p["promised_limit_days"]
    durations = [*_split(P, p["limits"], P)[:-1], _split(P, p["limits"], P)[-1] + 10]
    w.add(p, serial=900003, received=c.t - (P + 3), minute=600, path=p["path"], durations=durations,
          status="in_progress", open_elapsed=P + 3, rng=rng)
    # AP-Y2: one step one day over its own limit, the case within its total
    p = pick(lambda p: any(x is not None and x + 1 <= p["promised_limit_days"] - 1 for x in p["limits"]))
    i = next(i for i, x in enumerate(p["limits"]) if x is not None and x + 1 <= p["promised_limit_days"] - 1)
    durations = [0] * len(p["path"])
    durations[i] = p["limits"][i] + 1
    finished(p, 4, sum(durations), durations=durations)
    # AP-R2: a skipped step; two steps swapped
    p = pick(lambda p: len(p["path"]) >= 4 and p["path"][3] not in
             {b for a, b in p["edges"] if a == p["path"][1]})
    path = [p["path"][0], p["path"][1], *p["path"][3:]]
    finished(p, 5, 0, path=path, durations=[0] * len(path))
    p = pick(lambda p: len(p["path"]) >= 4)
    path = [p["path"][0], p["path"][2], p["path"][1], *p["path"][3:]]
    finished(p, 6, 0, path=path, durations=[0] * len(path))
    # AP-R3: fee above the standard
    p = pick(lambda p: True)
    base = base_of[p["name"]]
    finished(p, 7, base, fee=(p["fee_standard"] or 0.0) + 120.0)
    # AP-Y3: a 12-working-day suspension; one without a reason
    p = pick(lambda p: len(p["path"]) > 2)
    finished(p, 8, base_of[p["name"]], suspension=(1, 12, "专家评审", "组织专家对技术方案进行论证"))
    p = pick(lambda p: len(p["path"]) > 2)
    finished(p, 9, base_of[p["name"]], suspension=(1, 2, "补正材料", None))
    # AP-Y4: rejected without a reason
    p = pick(lambda p: True)
    finished(p, 10, 0, path=p["path"][:2], durations=[0, 0][:len(p["path"][:2])], status="rejected")
    # AP-Y5: at the window although online
    p = pick(lambda p: p["online_available"])
    finished(p, 11, base_of[p["name"]], channel="window")


def _progress(total: int, scale: str):  # noqa: ANN202
    if scale != "province":
        return lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="supervision: cases by power", unit="power", file=sys.stderr,
               mininterval=1.0)
    return lambda: bar.update(1)


# ---- funds ---------------------------------------------------------------------------------

def _uscc(rng: random.Random, region: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    return "91" + region + "".join(rng.choice(alphabet) for _ in range(10))


def _funds(session: Session, conn: Connection, rng: random.Random, scale: str,
           today: date) -> tuple[int, int]:
    depts = session.execute(select(Department.id, Department.code, Department.kind, Department.region_code)
                            .where(Department.kind.in_(FUND_KINDS)).order_by(Department.id)).all()
    fund_id = _next_id(session, SpecialFund)
    created = f"{today.isoformat()} 00:00:00{'+00' if conn.dialect.name == 'postgresql' else '.000000'}"
    funds, pays = [], []
    n_pay = 0
    planted = {k: rule for rule, k in PLANTED_FUNDS.items()}
    dept_for_plant = {k: depts[(k * 7) % len(depts)] for k in planted} if depts else {}
    specs = [(d, j, None) for d in depts for j in range(FUNDS_PER_DEPT[scale])]
    specs += [(dept_for_plant[k], 900 + k, planted[k]) for k in sorted(planted)]
    for dept, j, rule in specs:
        fund_id += 1
        if rule == "FD-Y2":
            allocated = today - timedelta(days=245)
        elif rule == "FD-Y3":
            allocated = date(today.year - 1, 3, 1)
        else:
            allocated = today - timedelta(days=_int(rng, 20, 330))
        threshold = rng.choice([50_000.0, 100_000.0, 200_000.0])
        budget = (20 if rule else round(rng.uniform(*BUDGET_SHARES[scale]))) * threshold
        code = f"ZX-{dept.code}-{allocated.year}-{j:03d}"
        name = f"{allocated.year}年{FUND_NAMES[dept.kind]}"
        funds.append((fund_id, code, name, dept.id, dept.region_code, allocated.year, budget,
                      f"用于{name.removeprefix(str(allocated.year) + '年')}项目支出", allocated,
                      threshold, created))
        rows = _payments(rng, dept.region_code, fund_id, code, allocated, today, budget, threshold, rule)
        pays += rows
        if len(pays) >= CHUNK:
            write(conn, SpecialFund.__table__, FUND_COLUMNS, funds)
            write(conn, FundPayment.__table__, PAY_COLUMNS, pays)
            n_pay += len(pays)
            funds, pays = [], []
    write(conn, SpecialFund.__table__, FUND_COLUMNS, funds)
    write(conn, FundPayment.__table__, PAY_COLUMNS, pays)
    return len(specs), n_pay + len(pays)


def _payments(rng: random.Random, region: str, fund_id: int, code: str, allocated: date,
              today: date, budget: float, threshold: float, rule: str | None) -> list[tuple]:
    days = (today - allocated).days
    start = allocated if rule != "FD-Y3" else date(allocated.year + 1, 1, 5)
    days = (today - start).days
    if rule == "FD-Y2":
        share = 0.10
    elif rule is not None:
        share = 0.5
    elif days >= 170:
        share = rng.uniform(0.45, 0.9)
    else:
        share = rng.uniform(0.0, 0.9) * days / 183
    target = budget * share
    recipients = [(f"{region}{rng.choice(RECIPIENTS)}{i}", _uscc(rng, region)) for i in range(12)]
    out: list[tuple] = []
    paid = 0.0
    seen: set[tuple[str, float]] = set()
    voucher = 0
    while paid < target:
        amount = round(rng.uniform(0.05, 0.8) * threshold, 2)
        if paid + amount > target:
            break
        name, uscc = recipients[int(rng.random() * len(recipients))]
        if (uscc, amount) in seen:
            continue
        seen.add((uscc, amount))
        paid += amount
        paid_on = start + timedelta(days=_int(rng, 7, max(7, days - 1)))
        if paid_on > today:
            paid_on = today
        voucher += 1
        out.append([fund_id, name, uscc, amount, paid_on, f"{code}-{voucher:04d}"])
    # keep December ≤ 35 % of each year's payments (FD-Y3 is planted, not accidental)
    by_year: dict[int, list] = defaultdict(list)
    for row in out:
        by_year[row[4].year].append(row)
    for rows in by_year.values():
        total = sum(r[3] for r in rows)
        dec = [r for r in rows if r[4].month == 12]
        while dec and sum(r[3] for r in dec) > 0.35 * total:
            r = dec.pop()
            r[4] = r[4].replace(day=min(r[4].day, 30), month=11)
    name, uscc = recipients[0]
    if rule == "FD-R1":
        extra = budget * 1.12 - paid
        while extra >= 1.0:  # whole yuan: rounding can never leave a remainder that loops
            voucher += 1
            amount = float(min(int(extra), int(0.6 * threshold) + voucher))
            extra -= amount
            out.append([fund_id, name, uscc, amount, today - timedelta(days=voucher % 20 + 1),
                        f"{code}-{voucher:04d}"])
    elif rule == "FD-R2":
        for d in (20, 11):
            voucher += 1
            out.append([fund_id, name, uscc, 0.777 * threshold, today - timedelta(days=d),
                        f"{code}-{voucher:04d}"])
    elif rule == "FD-Y1":
        for d, s in ((30, 0.88), (22, 0.97), (10, 0.91)):
            voucher += 1
            out.append([fund_id, name, uscc, round(s * threshold, 2), today - timedelta(days=d),
                        f"{code}-{voucher:04d}"])
    elif rule == "FD-Y3":
        year = allocated.year
        for month, s in ((4, 0.1), (7, 0.15), (9, 0.15), (12, 0.3), (12, 0.3)):
            voucher += 1
            out.append([fund_id, recipients[month % 12][0], recipients[month % 12][1],
                        round(s * 0.5 * threshold + voucher, 2), date(year, month, 10 + voucher % 10),
                        f"{code}-{voucher:04d}"])
    return [tuple(r) for r in out]

"""The S4 demo seed's approval cases: twelve months of cases on the powers in force, clean by
construction (see services.esupervision.seed), the planted violations of every AP- rule, and
the organic ones a province sees every day (ORGANIC_CASES), in a few lax departments."""

from __future__ import annotations

import math
import random
import sys
import zlib
from collections import defaultdict
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlmodel import Session

from models.org import Department
from models.power import Power, PowerEdge, PowerStep
from services.esupervision.seed_writer import Writer, rand_int, split_days
from services.power.catalog import in_force_clause

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
# Organic violations, at the rates a province sees them, in the lax departments (crc32 of the
# department code mod 100 below LAX_BUCKETS, the same ones as the S1 demo's gaps): rule ->
# how many at the small scale (times ORGANIC_SCALE at the province's). Their serials are
# 800000 + k, k counting from 1 in this order; a clean companion of each finished one (keeping
# its power's median) is 850000 + k.
ORGANIC_COUNTS: dict[str, int] = {
    "AP-R1": 10,          # 5 open a few working days past due, 5 finished 1–3 days late
    "AP-Y1": 12,          # open with 1 or 2 working days left
    "AP-Y2": 4,           # one step 1–2 working days over its own limit
    "AP-Y3": 3,           # a suspension of 11–14 working days
    "AP-Y4": 2,           # rejected without a reason
    "AP-Y5": 4,           # handled at the window though the power is online
}
ORGANIC = 800000
ORGANIC_COMPANION = 50000
ORGANIC_SCALE = {"small": 1, "province": 40}
LAX_BUCKETS = 12
OPEN_SUSPENDED = 0.08     # share of open cases (on a flow of 3+ steps) suspended right now
WORKDAYS_PER_YEAR = 249


def organic_cases(scale: str = "small") -> dict[str, tuple[int, ...]]:
    """rule -> the organic case serials (case_no ends with f"{serial:06d}") at `scale`."""
    out, k = {}, 0
    for rule, n in ORGANIC_COUNTS.items():
        n *= ORGANIC_SCALE[scale]
        out[rule] = tuple(ORGANIC + k + i for i in range(1, n + 1))
        k += n
    return out


ORGANIC_CASES = organic_cases("small")


def is_lax(dept_code: str) -> bool:
    return zlib.crc32(dept_code.encode()) % 100 < LAX_BUCKETS


def _draw_count(rng: random.Random, x: float) -> int:
    """A whole count with expectation x (a power's share of a province's daily flow is small)."""
    whole = int(x)
    return whole + (rng.random() < x - whole)
Y6_SERIAL = 100           # AP-Y6: every finished case of one department for one power name
TARGET_CASES = {"small": 9000, "province": 1_060_000}
CATEGORY_WEIGHT = {"行政许可": 6.0, "行政确认": 4.0, "其他": 2.0, "行政征收": 1.5, "行政给付": 1.5,
                   "行政处罚": 1.0, "行政强制": 0.4, "行政检查": 1.0, "行政奖励": 0.3, "行政裁决": 0.3}
SUSPENSIONS = [("补正材料", "申请材料不齐全，已一次性告知补正内容"), ("检验检测", "需委托第三方检验检测"),
               ("专家评审", "技术方案需组织专家评审"), ("听证", "申请人依法申请听证")]
REJECT = ["申请材料不符合法定形式，经补正仍不符合", "不符合法定条件和标准", "申请事项不属于本机关职权范围"]


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


def powers_in_force(*, session: Session) -> tuple[list[dict], dict[int, list], dict[int, list]]:
    """Powers in force with a flow chart, each with its main path and that path's step limits."""
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


def write_cases(w: Writer, powers: list[dict], rng: random.Random, scale: str) -> None:
    """Clean cases for every power (finished, open, suspended, rejected, withdrawn), then the
    planted and the organic violations."""
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
        return rand_int(rng, first, max(first, c.t - e - 1))

    for p in powers:
        progress()
        n = max(0, round(CATEGORY_WEIGHT.get(p["category"], 1.0) * scale_k * rng.uniform(0.5, 1.5)))
        if p["name"] == y6_name:
            n = max(n, 10)
        base, jit = base_of[p["name"]], jitter_of[p["name"]]
        n_finished = round(n * 0.9)
        values: list[int] = []
        for _ in range(n_finished // 2):
            k = rand_int(rng, 0, jit)
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
                susp = (1, rand_int(rng, 1, 8), kind, why)
            received = received_for(e + (susp[1] if susp else 0))
            w.add(p, serial=no, received=received, minute=rand_int(rng, 510, 900),
                  path=p["path"], durations=split_days(e, p["limits"], p["promised_limit_days"]),
                  status="finished", suspension=susp, rng=rng)
        # open cases (Little's law: arrivals per working day times the working days an open
        # case is written to take, its cap), far from the deadline, in whichever step the
        # elapsed days reach; a few of
        # them suspended right now (补正, 检验检测 …) for at most 8 working days so far
        room = min(p["promised_limit_days"] - 3, math.ceil(0.8 * p["promised_limit_days"]) - 1,
                   p["cap"])
        durations = split_days(p["cap"], p["limits"], p["promised_limit_days"])
        n_open = _draw_count(rng, n * p["cap"] / WORKDAYS_PER_YEAR) if room >= 1 else 0
        for _ in range(n_open):
            e_now = rand_int(rng, 1, room)
            status, susp = "in_progress", None
            if len(p["path"]) > 2 and rng.random() < OPEN_SUSPENDED:
                # suspended in the step open today, which started s ≤ 8 working days ago
                j, used = 0, 0
                while used + durations[j] < e_now:
                    used += durations[j]
                    j += 1
                if 1 <= e_now - used <= 8:
                    kind, why = rng.choice(SUSPENSIONS)
                    status, susp = "suspended", (j, 30, kind, why)
            serial[p["dept_code"]] += 1
            w.add(p, serial=serial[p["dept_code"]], received=c.t - e_now, minute=rand_int(rng, 510, 540),
                  path=p["path"], durations=durations, status=status, open_elapsed=e_now,
                  suspension=susp, rng=rng)
        # rejected (with a reason) and withdrawn, early in the flow
        for status in ["rejected"] * _draw_count(rng, n * 0.05) + ["withdrawn"] * _draw_count(rng, n * 0.01):
            k = min(2, len(p["path"]))
            serial[p["dept_code"]] += 1
            w.add(p, serial=serial[p["dept_code"]], received=received_for(1), minute=rand_int(rng, 510, 900),
                  path=p["path"][:k], durations=split_days(min(1, p["cap"]), p["limits"][:k], 1),
                  status=status, reason=rng.choice(REJECT) if status == "rejected" else None, rng=rng)
    used: set[int] = {y6_power}
    _plant(w, powers, rng, base_of, used)
    _organic(w, powers, rng, base_of, used, scale)


def _finisher(w: Writer, rng: random.Random, base_of: dict, companion: int):  # noqa: ANN202
    """A writer of concluded cases with serial `serial`; a finished one off its power's median
    gets a clean companion (serial + companion) on the other side of it."""
    c = w.clock

    def finished(p: dict, serial: int, e: int, *, ago: int = 3, **kw) -> None:  # noqa: ANN003
        path = kw.pop("path", p["path"])
        durations = kw.pop("durations", None) or split_days(e, p["limits"], p["promised_limit_days"])
        extra = kw["suspension"][1] if kw.get("suspension") else 0
        status = kw.pop("status", "finished")
        w.add(p, serial=serial, received=c.t - sum(durations) - extra - ago, minute=600,
              path=path, durations=durations, status=status, rng=rng, **kw)
        base = base_of[p["name"]]
        if status == "finished" and sum(durations) != base:
            comp = 0 if sum(durations) > base else p["cap"]
            w.add(p, serial=serial + companion, received=c.t - comp - ago - 2, minute=600,
                  path=p["path"], durations=split_days(comp, p["limits"], p["promised_limit_days"]),
                  status="finished", rng=rng)
    return finished


def _picker(pool: list[dict], used: set):  # noqa: ANN202
    def pick(pred) -> dict:  # noqa: ANN001
        p = next(p for p in pool if p["id"] not in used and pred(p))
        used.add(p["id"])
        return p
    return pick


def _step_over(p: dict) -> int | None:
    """The first step whose limit + 1 still leaves the case within its promised limit."""
    return next((i for i, x in enumerate(p["limits"])
                 if x is not None and x + 1 <= p["promised_limit_days"] - 1), None)


def _organic(w: Writer, powers: list[dict], rng: random.Random, base_of: dict, used: set,
             scale: str) -> None:
    """The organic violations of ORGANIC_COUNTS on powers of the lax departments (taken in a
    seeded order, so they spread over those departments), serials 800000 + k."""
    c = w.clock
    pool = [p for p in powers if is_lax(p["dept_code"])]
    rng.shuffle(pool)
    pick = _picker(pool, used)
    finished = _finisher(w, rng, base_of, ORGANIC_COMPANION)
    serials = organic_cases(scale)
    long_ = lambda p: p["promised_limit_days"] >= 5 and p["cap"] >= p["promised_limit_days"] - 1  # noqa: E731
    for i, no in enumerate(serials["AP-R1"]):
        d = 1 + i % 3
        p = pick(lambda p: len(p["path"]) >= 3)  # late: AP-Y2 (within the total only) is silent
        P = p["promised_limit_days"]
        split = split_days(P, p["limits"], P)
        if i % 2:  # open, d working days past due (its last step open)
            w.add(p, serial=no, received=c.t - (P + d), minute=rand_int(rng, 510, 900),
                  path=p["path"], durations=[*split[:-1], split[-1] + 10], status="in_progress",
                  open_elapsed=P + d, rng=rng)
        else:      # finished d working days late, some weeks ago
            finished(p, no, P + d, durations=[*split[:-1], split[-1] + d], ago=rand_int(rng, 3, 40))
    for i, no in enumerate(serials["AP-Y1"]):
        r = 1 + i % 2
        p = pick(long_)
        P = p["promised_limit_days"]
        w.add(p, serial=no, received=c.t - (P - r), minute=rand_int(rng, 510, 900), path=p["path"],
              durations=split_days(P - r, p["limits"], P), status="in_progress", open_elapsed=P - r,
              rng=rng)
    for no in serials["AP-Y2"]:
        p = pick(lambda p: _step_over(p) is not None)
        i = _step_over(p)
        durations = [0] * len(p["path"])
        durations[i] = p["limits"][i] + 1
        finished(p, no, sum(durations), durations=durations, ago=rand_int(rng, 3, 60))
    for no in serials["AP-Y3"]:
        p = pick(lambda p: len(p["path"]) > 2)
        kind, why = rng.choice(SUSPENSIONS)
        finished(p, no, base_of[p["name"]], suspension=(1, rand_int(rng, 11, 14), kind, why),
                 ago=rand_int(rng, 3, 60))
    for no in serials["AP-Y4"]:
        p = pick(lambda p: True)
        finished(p, no, 0, path=p["path"][:2], durations=[0, 0][:len(p["path"][:2])],
                 status="rejected", ago=rand_int(rng, 3, 60))
    for no in serials["AP-Y5"]:
        p = pick(lambda p: p["online_available"])
        finished(p, no, base_of[p["name"]], channel="window", ago=rand_int(rng, 3, 60))


def _plant(w: Writer, powers: list[dict], rng: random.Random, base_of: dict, used: set) -> None:
    c = w.clock
    pool = [p for p in powers if p["id"] not in used]
    pick = _picker(pool, used)
    plant = _finisher(w, rng, base_of, COMPANION)

    def finished(p: dict, k: int, e: int, **kw) -> None:  # noqa: ANN003
        plant(p, 900000 + k, e, **kw)

    long_ = lambda p: p["promised_limit_days"] >= 5 and p["cap"] >= p["promised_limit_days"] - 1  # noqa: E731
    # AP-Y1: open with 1 working day left
    p = pick(long_)
    P = p["promised_limit_days"]
    w.add(p, serial=900001, received=c.t - (P - 1), minute=600, path=p["path"],
          durations=split_days(P - 1, p["limits"], P), status="in_progress", open_elapsed=P - 1, rng=rng)
    # AP-R1: finished 2 working days late; open 3 working days past due
    p = pick(lambda p: len(p["path"]) >= 3)
    P = p["promised_limit_days"]
    finished(p, 2, P + 2, durations=[*split_days(P, p["limits"], P)[:-1],
                                     split_days(P, p["limits"], P)[-1] + 2])
    p = pick(lambda p: len(p["path"]) >= 3)
    P = p["promised_limit_days"]
    durations = [*split_days(P, p["limits"], P)[:-1], split_days(P, p["limits"], P)[-1] + 10]
    w.add(p, serial=900003, received=c.t - (P + 3), minute=600, path=p["path"], durations=durations,
          status="in_progress", open_elapsed=P + 3, rng=rng)
    # AP-Y2: one step one day over its own limit, the case within its total
    p = pick(lambda p: _step_over(p) is not None)
    i = _step_over(p)
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

"""The S4 demo seed's approval cases: twelve months of cases on the powers in force, clean by
construction (see services.esupervision.seed); the violations among them are written by
seed_violations."""

from __future__ import annotations

import math
import random
import sys
from collections import defaultdict
from datetime import timedelta
from functools import lru_cache

from sqlalchemy import select
from sqlmodel import Session

from models.org import Department
from models.power import Power, PowerEdge, PowerStep
from services.esupervision.seed_violations import SUSPENSIONS, write_organic, write_planted
from services.esupervision.seed_writer import Writer, rand_int, split_days
from services.power.catalog import in_force_clause

OPEN_SUSPENDED = 0.08     # share of open cases (on a flow of 3+ steps) suspended right now
WORKDAYS_PER_YEAR = 249


def _draw_count(rng: random.Random, x: float) -> int:
    """A whole count with expectation x (a power's share of a province's daily flow is small)."""
    whole = int(x)
    return whole + (rng.random() < x - whole)
Y6_SERIAL = 100           # AP-Y6: every finished case of one department for one power name
TARGET_CASES = {"small": 9000, "province": 1_060_000}
CATEGORY_WEIGHT = {"行政许可": 6.0, "行政确认": 4.0, "其他": 2.0, "行政征收": 1.5, "行政给付": 1.5,
                   "行政处罚": 1.0, "行政强制": 0.4, "行政检查": 1.0, "行政奖励": 0.3, "行政裁决": 0.3}
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
    planted and the organic violations (seed_violations)."""
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
    write_planted(w, powers, rng, base_of, used)
    write_organic(w, powers, rng, base_of, used, scale)


def _progress(total: int, scale: str):  # noqa: ANN202
    if scale != "province":
        return lambda: None
    from tqdm import tqdm

    bar = tqdm(total=total, desc="supervision: cases by power", unit="power", file=sys.stderr,
               mininterval=1.0)
    return lambda: bar.update(1)

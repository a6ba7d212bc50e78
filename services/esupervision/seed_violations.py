"""The S4 demo seed's violations: the planted case of every AP- rule (PLANTED_CASES) and the
organic ones a province sees every day (ORGANIC_CASES), in a few lax departments. Each finished
one off its power's median gets a clean companion so the medians the rules compare stay put."""

from __future__ import annotations

import random
import zlib

from services.esupervision.seed_writer import Writer, rand_int, split_days

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
SUSPENSIONS = [("补正材料", "申请材料不齐全，已一次性告知补正内容"), ("检验检测", "需委托第三方检验检测"),
               ("专家评审", "技术方案需组织专家评审"), ("听证", "申请人依法申请听证")]

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


def write_organic(w: Writer, powers: list[dict], rng: random.Random, base_of: dict, used: set,
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


def write_planted(w: Writer, powers: list[dict], rng: random.Random, base_of: dict, used: set) -> None:
    """One case per PLANTED_CASES serial (900000 + k), each on a power not used before."""
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

"""The S1 demo seed's flow charts: a category's typical flow with a few optional steps dropped,
step limits shared out of the promised limit, and the broken flows PW-Y2 is planted with."""

from __future__ import annotations

import random
from functools import lru_cache

from services.power.catalog_data import FLOW_GENERIC, FLOWS

OPTIONAL_STEPS = {"行政许可": [3, 6], "行政处罚": [3, 8], "行政强制": [3, 8],
                  "行政检查": [2, 5]}



def _contract(steps: list, edges: list, drop: int) -> tuple[list, list]:
    """Remove step `drop`, linking its predecessors to its single forward successor."""
    succ = [b for a, b, _ in edges if a == drop and b > drop]
    if len(succ) != 1:
        return steps, edges
    new_edges = []
    linked = {(a, b) for a, b, _ in edges}
    for a, b, cond in edges:
        if b == drop and a != succ[0]:
            if (a, succ[0]) not in linked:
                new_edges.append((a, succ[0], cond))
        elif drop not in (a, b):
            new_edges.append((a, b, cond))
    shift = lambda s: s - 1 if s > drop else s  # noqa: E731
    out = {(shift(a), shift(b), c) for a, b, c in new_edges if a != b}
    return ([s for i, s in enumerate(steps, start=1) if i != drop],
            sorted(out, key=lambda e: (e[0], e[1])))


def _longest(n: int, edges: list, limits: list[int | None]) -> int:
    best = [0] * (n + 1)
    for v in range(1, n + 1):
        incoming = [best[a] for a, b, _ in edges if b == v and a < v]
        best[v] = (max(incoming) if incoming else 0) + (limits[v - 1] or 0)
    return max(best)


def build_flow(rng: random.Random, category: str, promised: int) -> tuple[list, list]:
    """Steps [(seq, name, post, limit, supervision, discretionary)] and edges."""
    drops = tuple(d for d in sorted(OPTIONAL_STEPS.get(category, [1, 4]), reverse=True)
                  if rng.random() < 0.3)
    return _flow(category, promised, drops)


@lru_cache(maxsize=4096)
def _flow(category: str, promised: int, drops: tuple[int, ...]) -> tuple[list, list]:
    steps, edges = FLOWS.get(category, FLOW_GENERIC)
    steps, edges = list(steps), list(edges)
    for drop in drops:
        if len(steps) > 4:
            steps, edges = _contract(steps, edges, drop)
    limits = [max(1, int(share * promised)) if share > 0 else 1
              for _, _, share, _, _ in steps]
    if _longest(len(steps), edges, limits) > promised:
        limits = [None] * len(steps)  # too short a promise to split: limit only the whole
    rows = [(i, name, post, limits[i - 1], sup, disc)
            for i, (name, post, _, sup, disc) in enumerate(steps, start=1)]
    return rows, edges


def break_flow(rng: random.Random, flow: tuple[list, list], promised: int) -> tuple[list, list]:
    """A flow made invalid on purpose (PW-Y2): its step limits past the promise, or a second start."""
    steps, edges = flow
    if rng.random() < 0.5:  # planted: limits past the promise
        return [(s[0], s[1], s[2], promised, s[4], s[5]) for s in steps], edges
    # planted: a step nothing leads to (a second start)
    extra = (len(steps) + 1, "专家评审", "外聘专家", 1, False, True)
    return [*steps, extra], [*edges, (extra[0], 2, None)]

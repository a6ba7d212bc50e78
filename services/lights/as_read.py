"""A sync's rules read whole, evaluated as their inputs come in (issue 12).

A full sync read every input of every rule before it evaluated one: at province scale it held
them all (0.75 GB of frames) while the largest one was still being built (the 5.8M case steps,
1.3 GB at its height), and evaluated only when the last read was done. Here each rule runs as
soon as its inputs are in, and each input is dropped once the last rule reading it has run: the
trading, feedback and power rules are done, and their inputs freed, while the steps are read."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from contextvars import copy_context

import polars as pl
from sqlmodel import Session

from metrics.lights.registry import Rule, evaluate
from services.lights.inputs import Bind, Rows, inputs_as_read
from services.lights.rule_settings import effective_params, stored_settings
from services.lights.sync_plan import with_material_hash

RULE_THREADS = 2  # one per core
Emit = Callable[[Rule, pl.DataFrame], None]  # a rule's alerts handed on as it runs


def evaluated(rule: Rule, frames: Mapping[str, pl.DataFrame],
              stored: dict[str, dict]) -> pl.DataFrame:
    """`rule`'s alerts with its admin-set parameters (`stored`) and their material hash."""
    return with_material_hash(rule, evaluate(rule, frames, effective_params(rule, stored)))


def _evaluate_all(rules: list[Rule], frames: Mapping[str, pl.DataFrame],
                  stored: dict[str, dict]) -> Iterator[pl.DataFrame]:
    """The alerts of `rules`, in their order; rules ready together run RULE_THREADS at a time
    (polars lets go of the GIL). Cardinal's and the law's twenty trading rules are all ready
    when the last trading input is in, the sync's last 3 s at province scale: one at a time
    they kept 1.3-1.6 of the 2 cores busy."""
    if len(rules) < 2:
        yield from (evaluated(r, frames, stored) for r in rules)
        return
    # the caller drops inputs as their rules are handed back: the threads read a copy of the
    # mapping, each in a copy of the caller's context (as the loaders' threads)
    view = dict(frames)
    with ThreadPoolExecutor(max_workers=RULE_THREADS, thread_name_prefix="rules") as pool:
        running = [pool.submit(copy_context().run, evaluated, r, view, stored) for r in rules]
        yield from (job.result() for job in running)


def read_and_evaluate(session: Session, reader: Bind, sets: list[tuple[set[str], Rows]],
                      rules: list[Rule], given: Mapping[str, pl.DataFrame], *,
                      keep: Collection[str], bulk: bool,
                      emit: Emit | None = None,
                      ) -> tuple[pl.DataFrame | None, list[dict[str, pl.DataFrame]]]:
    """Read `sets` in one snapshot (services.lights.inputs.inputs_as_read); `sets[0]` holds the
    inputs of `rules` (`given` frames stand in for read ones), which are evaluated as read.
    Returns those rules' alerts, in the order of `rules` (None without rules, or with `emit`,
    which is handed each rule's alerts as it runs: services.lights.sync_stream), and every
    set's frames: the first set's only for the names in `keep`, the others' whole."""
    stored = stored_settings(session=session)
    waiting = list(rules)
    uses = Counter(name for r in waiting for name in r.inputs)
    frames: dict[str, pl.DataFrame] = dict(given)
    found: dict[str, pl.DataFrame] = {}
    got: list[dict[str, pl.DataFrame]] = [{} for _ in sets]

    def run_ready() -> None:
        ready = [r for r in waiting if all(n in frames for n in r.inputs)]
        for rule, alerts in zip(ready, _evaluate_all(ready, frames, stored), strict=True):
            waiting.remove(rule)
            if emit is None:
                found[rule.id] = alerts
            else:
                emit(rule, alerts)
            for name in rule.inputs:
                uses[name] -= 1
                if uses[name] == 0 and name not in keep and name not in given:
                    del frames[name]  # its last rule has run

    run_ready()
    with inputs_as_read(reader, sets, bulk=bulk) as arriving:
        for (i, name), frame in arriving:
            if i:
                got[i][name] = frame
            elif uses[name] or name in keep:
                frames[name] = frame
                run_ready()
            del frame  # held by `frames` alone, while a rule still needs it
    if waiting:  # every input was read: a rule left has an input no set named
        raise KeyError(f"rules without their inputs: {[r.id for r in waiting]}")
    got[0] = {name: frames[name] for name in keep if name in frames}
    return (pl.concat([found[r.id] for r in rules]) if rules and emit is None else None), got

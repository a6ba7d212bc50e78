"""Cardinal's finalize step: the fences over the whole file and the flags they raise
(R024, R025, R038, R048, R058), and Meta. A setting `threshold` replaces a fence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from metrics.trading.cardinal_stats import (
    lower_fence,
    lower_quartile,
    percentile,
    rust_round4,
    upper_fence,
    upper_quartile,
)

if TYPE_CHECKING:
    from metrics.trading.cardinal import State


def _r024(state: State) -> None:
    threshold = state.settings.get("R024", "threshold")
    if threshold is None:
        ratios = list(state.ratios.values())
        q1, q3 = lower_quartile(ratios), upper_quartile(ratios)
        state.set_meta("R024", "q1", q1)
        state.set_meta("R024", "q3", q3)
        fence = lower_fence(q1, q3)
    else:
        fence, q1 = float(threshold), 1.0  # Cardinal's dummy q1 to pass the guard
    state.set_meta("R024", "lower_fence", fence)
    if q1 > 0.0 and fence > 0.0:
        for ocid, ratio in state.ratios.items():
            if ratio <= fence:
                state.flag("OCID", ocid, "R024", ratio)
                for tid in state.pair[ocid]:
                    state.flag("Tenderer", tid, "R024", 0.0)


def _r025(state: State) -> None:
    counts = list(state.r025.values())
    upper = percentile([float(p) for _, p in counts],
                       int(state.settings.get("R025", "percentile", 75)))
    threshold = state.settings.get("R025", "threshold")
    if threshold is None:
        ratios = [w / p for w, p in counts]
        q1, q3 = lower_quartile(ratios), upper_quartile(ratios)
        state.set_meta("R025", "q1", q1)
        state.set_meta("R025", "q3", q3)
        lower = lower_fence(q1, q3)
    else:
        lower, q1 = float(threshold), 1.0
    state.set_meta("R025", "upper_fence", upper)
    state.set_meta("R025", "lower_fence", lower)
    if q1 > 0.0 and lower > 0.0:
        for tid, (wins, processes) in state.r025.items():
            ratio = wins / processes
            if float(processes) >= upper and ratio <= lower:
                state.flag("Tenderer", tid, "R025", ratio)


def _r038(state: State) -> None:
    threshold = state.settings.get("R038", "threshold")
    minimum = {"Tenderer": int(state.settings.get("R038", "minimum_submitted_bids", 2))}
    processes = int(state.settings.get("R038", "minimum_contracting_processes", 2))
    for group in ("Buyer", "ProcuringEntity", "Tenderer"):
        least = minimum.get(group, processes)
        ratios = {k: d / n for k, (d, n) in state.r038[group].items() if n >= least}
        if not ratios:
            continue
        if threshold is None:
            q1, q3 = lower_quartile(ratios.values()), upper_quartile(ratios.values())
            state.set_meta("R038", f"{group}_q1", q1)
            state.set_meta("R038", f"{group}_q3", q3)
            fence = upper_fence(q1, q3)
        else:
            fence = float(threshold)
        state.set_meta("R038", f"{group}_upper_fence", fence)
        if fence > 0.0:
            for key, ratio in ratios.items():
                if ratio >= fence:
                    state.flag(group, key, "R038", ratio)


def _r048(state: State) -> None:
    least = int(state.settings.get("R048", "minimum_contracting_processes", 20))
    lengths = {k: float(len(codes)) for k, (count, codes) in state.r048.items() if count >= least}
    threshold = state.settings.get("R048", "threshold")
    if threshold is None:
        q1, q3 = lower_quartile(lengths.values()), upper_quartile(lengths.values())
        state.set_meta("R048", "q1", q1)
        state.set_meta("R048", "q3", q3)
        fence = upper_fence(q1, q3)
    else:
        fence = float(threshold)
    state.set_meta("R048", "upper_fence", fence)
    for key, length in lengths.items():
        if length >= fence:
            state.flag("Tenderer", key, "R048", length)


def _r058(state: State) -> None:
    threshold = state.settings.get("R058", "threshold")
    if threshold is None:
        ratios = list(state.ratios.values())
        q1, q3 = lower_quartile(ratios), upper_quartile(ratios)
        state.set_meta("R058", "q1", q1)
        state.set_meta("R058", "q3", q3)
        fence = upper_fence(q1, q3)
    else:
        fence = float(threshold)
    state.set_meta("R058", "upper_fence", fence)
    if fence > 0.0:
        for ocid, ratio in state.ratios.items():
            if ratio >= fence:
                state.flag("OCID", ocid, "R058", ratio)
                state.flag("Tenderer", state.pair[ocid][0], "R058", 0.0)


FINALIZERS = (("R024", _r024), ("R025", _r025), ("R038", _r038), ("R048", _r048),
              ("R058", _r058))


def finalize(state: State) -> None:
    for code, fn in FINALIZERS:
        if state.settings.on(code):
            fn(state)


def rounded_meta(meta: dict[str, dict[str, float]]) -> dict[str, dict[str, Any]]:
    return {code: {k: rust_round4(v) for k, v in values.items()} for code, values in meta.items()}

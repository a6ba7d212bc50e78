"""OCP Cardinal's indicators over OCDS compiled releases, computed as Cardinal's code does.

Pure: releases (parsed JSON values, one per contracting process) and `Settings` in, Cardinal's
result object out (`{"OCID": {ocid: {code: value}}, "Buyer": …, "ProcuringEntity": …,
"Tenderer": …, "Meta": {code: {name: value}}}`). The per-release part (fold) is here; the
fences over the whole file (finalize) are in `cardinal_fences`, the type-checked JSON access
(as serde's `if let Some(Value::…)`) in `cardinal_release`, R044's same-party tests in
`cardinal_collusion`. See ../shared/trading/red-flags.md for the restatement."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from metrics.trading import cardinal_fences
from metrics.trading.cardinal_collusion import _address_key, _contact_matches
from metrics.trading.cardinal_dates import parse_rfc3339, whole_days
from metrics.trading.cardinal_release import (
    _get,
    _list,
    _number,
    _str,
    final_awards_and_bids,
    matches_details,
    matches_method,
    single_supplier,
    submitted_bids,
    valid_single_tenderer_bids,
)
from metrics.trading.cardinal_settings import Settings, pipe_set

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")


@dataclass
class State:
    settings: Settings
    results: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=lambda: {g: {} for g in GROUPS})
    meta: dict[str, dict[str, float]] = field(default_factory=dict)
    currency: str | None = None            # shared by R024/R058 and R036, like Cardinal's
    ratios: dict[str, float] = field(default_factory=dict)          # second-lowest-bid ratios
    pair: dict[str, tuple[str, str]] = field(default_factory=dict)  # (winner, lowest non-winner)
    r025: dict[str, list[int]] = field(default_factory=dict)        # tenderer -> [wins, processes]
    r038: dict[str, dict[str, list[int]]] = field(
        default_factory=lambda: {"Buyer": {}, "ProcuringEntity": {}, "Tenderer": {}})
    r048: dict[str, list] = field(default_factory=dict)             # supplier -> [count, codes]
    memo: tuple[Any, dict[str, Any]] = (None, {})   # the release being read, its shared parts

    def shared(self, release: dict, name: str, fn: Any) -> Any:
        """fn(release), computed once per release for the indicators that share it."""
        if self.memo[0] is not release:
            self.memo = (release, {})
        parts = self.memo[1]
        if name not in parts:
            parts[name] = fn(release)
        return parts[name]

    def flag(self, group: str, key: str, code: str, value: float) -> None:
        self.results[group].setdefault(key, {})[code] = value

    def set_meta(self, code: str, name: str, value: float) -> None:
        self.meta.setdefault(code, {})[name] = value

    def main_currency(self, observed: str) -> str:
        if self.currency is None:
            self.currency = self.settings.currency if self.settings.currency is not None else observed
        return self.currency


def _price_filter(state: State, release: dict) -> bool:
    s = state.settings
    return matches_details(release, s.price_comparison, s.no_price_comparison)


# ---- per-release indicators -------------------------------------------------------------

def second_lowest_ratio(state: State, release: dict, ocid: str) -> None:
    if not _price_filter(state, release):
        return
    got = state.shared(release, "final", final_awards_and_bids)
    if got is None or len(got[0]) != 1 or (supplier := single_supplier(got[0][0])) is None:
        return
    winner = lowest = None  # (tenderer, amount)
    for tid, amount, currency in valid_single_tenderer_bids(got[1]):
        if currency != state.main_currency(currency):
            continue
        if tid == supplier:
            if winner is None or amount < winner[1]:
                winner = (tid, amount)
        elif lowest is None or amount < lowest[1]:
            lowest = (tid, amount)
    if winner is not None and lowest is not None and lowest[1] >= winner[1]:
        diff = lowest[1] - winner[1]
        state.ratios[ocid] = diff / winner[1] if winner[1] != 0 else (
            float("nan") if diff == 0 else float("inf"))
        state.pair[ocid] = (winner[0], lowest[0])


def r003(state: State, release: dict, ocid: str) -> None:
    tender = _get(release, "tender")
    if not isinstance(tender, dict):
        return
    if not matches_method(tender, pipe_set(state.settings.get("R003", "procurement_methods"))):
        return
    period = _get(tender, "tenderPeriod")
    start, end = parse_rfc3339(_str(period, "startDate")), parse_rfc3339(_str(period, "endDate"))
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return
    details = _str(tender, "procurementMethodDetails")
    threshold = state.settings.r003_details.get(details) if details is not None else None
    if threshold is None:
        threshold = state.settings.get("R003", "threshold", 15)
    if whole_days(end - start) < threshold:
        state.flag("OCID", ocid, "R003", 1.0)


def r018(state: State, release: dict, ocid: str) -> None:
    tender = _get(release, "tender")
    methods = pipe_set(state.settings.get("R018", "procurement_methods", "open|selective"))
    if not isinstance(tender, dict) or not matches_method(tender, methods):
        return
    n = _get(tender, "numberOfTenderers")
    # serde's as_u64(): only a non-negative JSON integer (1.0 is a float, not matched)
    if isinstance(n, int) and not isinstance(n, bool) and n == 1:
        state.flag("OCID", ocid, "R018", 1.0)


def r025(state: State, release: dict, ocid: str) -> None:
    got = state.shared(release, "final", final_awards_and_bids)
    if got is None or len(got[0]) != 1 or (supplier := single_supplier(got[0][0])) is None:
        return
    seen: set[str] = set()
    for bid in got[1]:
        if not isinstance(bid, dict) or bid.get("status") != "valid":
            continue
        tenderers = bid.get("tenderers")
        if isinstance(tenderers, list) and len(tenderers) == 1 \
                and (tid := _str(tenderers[0], "id")) is not None:
            seen.add(tid)
    for tid in seen:
        f = state.r025.setdefault(tid, [0, 0])
        f[0] += int(tid == supplier)
        f[1] += 1


def r028(state: State, release: dict, ocid: str) -> None:
    if not _price_filter(state, release):
        return
    prices: dict[tuple[float, str], frozenset[str]] = {}
    for bid in state.shared(release, "submitted", submitted_bids):  # dicts
        tenderers, value = bid.get("tenderers"), bid.get("value")
        if not isinstance(tenderers, list) or not isinstance(value, dict):
            continue
        amount, currency = _number(value.get("amount")), value.get("currency")
        if amount is None or not isinstance(currency, str):
            continue
        ids = frozenset(i for t in tenderers if isinstance(t, dict) and isinstance(i := t.get("id"), str))
        if not ids:
            continue
        key = (amount, currency)
        other = prices.get(key)
        if other is not None and ids != other:
            state.flag("OCID", ocid, "R028", 1.0)
            for tid in ids | other:
                state.flag("Tenderer", tid, "R028", 1.0)
        prices[key] = ids


def r030(state: State, release: dict, ocid: str) -> None:
    end = _str(_get(_get(release, "tender"), "tenderPeriod"), "endDate")
    awards, details = _list(release, "awards"), _list(_get(release, "bids"), "details")
    if end is None or awards is None or details is None:
        return
    suppliers = {i for a in awards if _str(a, "status") == "active"
                 for s in (_list(a, "suppliers") or []) if (i := _str(s, "id")) is not None}
    for bid in details:
        if not isinstance(bid, dict) or bid.get("status") != "valid":
            continue
        date, tenderers = bid.get("date"), bid.get("tenderers")
        if isinstance(date, str) and isinstance(tenderers, list) and date > end:
            for t in tenderers:
                tid = _str(t, "id")
                if tid is not None and tid in suppliers:
                    state.flag("OCID", ocid, "R030", 1.0)
                    state.flag("Tenderer", tid, "R030", 1.0)


def r035(state: State, release: dict, ocid: str) -> None:
    got = state.shared(release, "final", final_awards_and_bids)
    if got is None:
        return
    suppliers = {i for a in got[0] for s in (_list(a, "suppliers") or [])
                 if (i := _str(s, "id")) is not None}
    valid: set[str] = set()
    disqualified: set[str] = set()
    for bid in got[1]:
        if not isinstance(bid, dict):
            continue
        status, tenderers = bid.get("status"), bid.get("tenderers")
        if not isinstance(status, str) or status not in ("valid", "disqualified") \
                or not isinstance(tenderers, list):
            continue
        target = valid if status == "valid" else disqualified
        target.update(i for t in tenderers if isinstance(t, dict) and isinstance(i := t.get("id"), str))
    threshold = max(int(state.settings.get("R035", "threshold", 1)), 1)
    difference = len(disqualified - valid)
    if len(valid) == 1 and valid == suppliers and difference >= threshold:
        state.flag("OCID", ocid, "R035", float(difference))
        state.flag("Tenderer", next(iter(valid)), "R035", 0.0)


def r036(state: State, release: dict, ocid: str) -> None:
    if not _price_filter(state, release):
        return
    awards = _list(release, "awards")
    if awards is None or not any(_str(a, "status") == "active" for a in awards):
        return
    lowest: float | None = None
    lowest_disqualified = has_valid = False
    for bid in state.shared(release, "submitted", submitted_bids):  # dicts with a str status
        value = bid.get("value")
        if not isinstance(value, dict):
            continue
        amount, currency = _number(value.get("amount")), value.get("currency")
        if amount is None or not isinstance(currency, str):
            continue
        if currency != state.main_currency(currency):
            continue
        status = bid["status"]
        if lowest is None or amount < lowest:
            lowest, lowest_disqualified = amount, status == "disqualified"
        has_valid = has_valid or status == "valid"
    if has_valid and lowest_disqualified:
        state.flag("OCID", ocid, "R036", 1.0)


def r038(state: State, release: dict, ocid: str) -> None:
    bids = state.shared(release, "submitted", submitted_bids)
    if not bids:
        return
    disq = 0
    per_tenderer = state.r038["Tenderer"]
    for bid in bids:  # dicts with a str status
        inc = int(bid["status"] == "disqualified")
        disq += inc
        tenderers = bid.get("tenderers")
        for t in tenderers if isinstance(tenderers, list) else ():
            if isinstance(t, dict) and isinstance(tid := t.get("id"), str):
                f = per_tenderer.get(tid)
                if f is None:
                    f = per_tenderer[tid] = [0, 0]
                f[0] += inc
                f[1] += 1
    for group, org in (("Buyer", _get(release, "buyer")),
                       ("ProcuringEntity", _get(_get(release, "tender"), "procuringEntity"))):
        if (oid := _str(org, "id")) is not None:
            f = state.r038[group].setdefault(oid, [0, 0])
            f[0] += disq
            f[1] += len(bids)


def r044(state: State, release: dict, ocid: str) -> None:
    """Cardinal compares every ordered pair of tenderers; the same outcome by grouping: a
    tenderer is flagged if another has its address key, or if another's contact point agrees on
    the first field that both give as text (`_contact_matches`)."""
    tenderers: dict[str, tuple[str | None, Any]] = {}
    for party in _list(release, "parties") or []:
        if not isinstance(party, dict):
            continue
        roles, pid = party.get("roles"), party.get("id")
        if isinstance(roles, list) and "tenderer" in roles and isinstance(pid, str):
            tenderers[pid] = (_address_key(party), _get(party, "contactPoint"))
    if len(tenderers) < 2:
        return
    addresses = Counter(addr for addr, _ in tenderers.values() if addr is not None)
    contacts = _contact_matches(tenderers)
    for a, (addr_a, _) in tenderers.items():
        if (addr_a is not None and addresses[addr_a] >= 2) or a in contacts:
            state.flag("OCID", ocid, "R044", 1.0)
            state.flag("Tenderer", a, "R044", 1.0)


def r048(state: State, release: dict, ocid: str) -> None:
    digits = int(state.settings.get("R048", "digits", 2))
    observed: set[str] = set()
    for award in _list(release, "awards") or []:
        items, supplier = _list(award, "items"), single_supplier(award)
        if _str(award, "status") != "active" or items is None or supplier is None:
            continue
        for item in items:
            cid = _str(_get(item, "classification"), "id")
            if cid is None:
                continue
            entry = state.r048.setdefault(supplier, [0, set()])
            if supplier not in observed:
                observed.add(supplier)
                entry[0] += 1
            entry[1].add(cid[:digits])


# Cardinal's order: the shared ratio first, then the indicators by code.
FOLDS = (("R003", r003), ("R018", r018), ("R025", r025), ("R028", r028), ("R030", r030),
         ("R035", r035), ("R036", r036), ("R038", r038), ("R044", r044), ("R048", r048))


def skipped(release: Any, exclude: frozenset[str]) -> bool:
    """Cardinal's line filter: an object with a string ocid, not cancelled, not excluded."""
    if not isinstance(release, dict) or not isinstance(release.get("ocid"), str):
        return True
    if _str(_get(release, "tender"), "status") == "cancelled":
        return True
    return not matches_details(release, frozenset(), exclude)


def run(releases: Iterable[Any], settings: Settings, *, meta: bool = True) -> dict[str, Any]:
    state = State(settings)
    ratio = settings.on("R024") or settings.on("R058")
    folds = [fn for code, fn in FOLDS if settings.on(code)]
    for release in releases:
        if skipped(release, settings.exclude_details):
            continue
        ocid = release["ocid"]
        if ratio:
            second_lowest_ratio(state, release, ocid)
        for fn in folds:
            fn(state, release, ocid)
    cardinal_fences.finalize(state)
    out: dict[str, Any] = {g: v for g, v in state.results.items() if v}
    if meta:
        out["Meta"] = cardinal_fences.rounded_meta(state.meta)
    return out

"""Reading OCDS release JSON as Cardinal's code does (lib.rs): every access checks the type
first, as serde's `if let Some(Value::…)` does, so a number that is a string, a missing array or
a non-object is simply not matched; and the per-release helpers its indicators share."""

from __future__ import annotations

from typing import Any


def _get(obj: Any, key: str) -> Any:
    return obj.get(key) if isinstance(obj, dict) else None


def _str(obj: Any, key: str) -> str | None:
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, str) else None


def _list(obj: Any, key: str) -> list | None:
    v = obj.get(key) if isinstance(obj, dict) else None
    return v if isinstance(v, list) else None


def _number(v: Any) -> float | None:
    """A JSON number as f64 (bool is not a number in JSON)."""
    if isinstance(v, bool) or not isinstance(v, int | float):
        return None
    return float(v)


def matches_details(release: dict, include: frozenset[str], exclude: frozenset[str]) -> bool:
    details = _str(_get(release, "tender"), "procurementMethodDetails")
    if details is None:
        return not include
    return details in include if include else details not in exclude


def matches_method(tender: Any, methods: frozenset[str]) -> bool:
    if not methods:
        return True
    method = _str(tender, "procurementMethod")
    return method is not None and method in methods


def submitted_bids(release: dict) -> list:
    details = _list(_get(release, "bids"), "details") or []
    return [b for b in details if isinstance(b, dict) and isinstance(s := b.get("status"), str)
            and s not in ("invited", "withdrawn")]


def final_awards_and_bids(release: dict) -> tuple[list, list] | None:
    """(active awards, bids.details) if every award with a status is final, else None."""
    awards, details = _list(release, "awards"), _list(_get(release, "bids"), "details")
    if awards is None or details is None:
        return None
    complete = []
    for award in awards:
        status = _str(award, "status")
        if status is None or status in ("cancelled", "unsuccessful"):
            continue
        if status != "active":
            return None
        complete.append(award)
    return complete, details


def valid_single_tenderer_bids(details: list) -> list[tuple[str, float, str]]:
    out = []
    for bid in details:  # the helpers inlined: this runs for every bid of the province
        if not isinstance(bid, dict) or bid.get("status") != "valid":
            continue
        value, tenderers = bid.get("value"), bid.get("tenderers")
        if not isinstance(value, dict) or not isinstance(tenderers, list) or len(tenderers) != 1:
            continue
        amount, currency, tid = _number(value.get("amount")), value.get("currency"), _str(tenderers[0], "id")
        if amount is not None and isinstance(currency, str) and tid is not None:
            out.append((tid, amount, currency))
    return out


def single_supplier(award: Any) -> str | None:
    suppliers = _list(award, "suppliers")
    if suppliers is not None and len(suppliers) == 1:
        return _str(suppliers[0], "id")
    return None

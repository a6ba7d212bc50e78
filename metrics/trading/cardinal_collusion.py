"""R044's tests of two tenderers being one (Cardinal's lib: same address, same contact point),
shared by the indicator in metrics.trading.cardinal."""

from __future__ import annotations

from collections import Counter
from typing import Any

from metrics.trading.cardinal_release import _get

_CONTACT = ("name", "email", "telephone", "faxNumber", "url")


def _contact_matches(tenderers: dict[str, tuple[str | None, Any]]) -> set[str]:
    """Tenderers whose contact point `_same_contact` matches another's. When every contact
    point gives text for the same fields, the deciding field is the first of them for every
    pair, so equal values there are the matches; otherwise every pair is compared."""
    points = {k: cp for k, (_, cp) in tenderers.items() if isinstance(cp, dict)}
    shapes = {tuple(isinstance(cp.get(f), str) for f in _CONTACT) for cp in points.values()}
    if len(shapes) == 1:
        shape = next(iter(shapes))
        if True not in shape:
            return set()
        field = _CONTACT[shape.index(True)]
        seen = Counter(cp[field] for cp in points.values())
        return {k for k, cp in points.items() if seen[cp[field]] >= 2}
    return {a for a, cp_a in points.items()
            if any(a != b and _same_contact(cp_b, cp_a) for b, cp_b in points.items())}


_ADDRESS = ("streetAddress", "locality", "region", "postalCode", "countryName")


def _address_key(party: dict) -> str | None:
    address = _get(party, "address")
    if not isinstance(address, dict) or "streetAddress" not in address:
        return None
    return "".join([v.strip().lower() + " " for f in _ADDRESS
                    if isinstance(v := address.get(f), str)])


def _same_contact(a: Any, b: Any) -> bool:
    if not isinstance(a, dict) or not isinstance(b, dict):
        return False
    for f in ("name", "email", "telephone", "faxNumber", "url"):
        if isinstance(x := a.get(f), str) and isinstance(y := b.get(f), str):
            return x == y
    return False

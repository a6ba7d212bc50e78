"""A leaf's formula filled in with its numbers, as an i18n key of area `performance` and the
parameters of its message (the drill-down shows it in the user's language). Pure."""

from __future__ import annotations


def _n(x: float | None, digits: int = 4) -> str:
    if x is None:
        return "—"
    return f"{round(float(x), digits):g}"


def explain(leaf: dict) -> tuple[str, dict]:
    """leaf: method, params (dict), weight, effective_weight, value, numerator, denominator,
    grade, points, status, higher_is_better."""
    p = leaf.get("params") or {}
    base = {"w": _n(leaf["weight"], 2), "ew": _n(leaf["effective_weight"], 2),
            "v": _n(leaf.get("value")), "num": _n(leaf.get("numerator"), 2),
            "den": _n(leaf.get("denominator"), 2), "pts": _n(leaf["points"], 2),
            "grade": leaf.get("grade") or "—"}
    if leaf["status"] == "not_assessed":
        return "formula.not_assessed", base
    if leaf["status"] == "missing_zero":
        return "formula.missing_zero", base
    method = leaf["method"]
    higher = leaf.get("higher_is_better", True)
    if method == "ratio":
        key = "formula.ratio_higher" if higher else "formula.ratio_lower"
        return key, base | {"target": _n(p.get("target")), "cap": _n(p.get("cap", 1.0))}
    if method == "band":
        if p.get("bands"):
            bands = "；".join(f"{_n(t)} → {_n(s * 100, 1)}%" for t, s in p["bands"])
            return "formula.bands", base | {"bands": bands}
        key = "formula.band_higher" if higher else "formula.band_lower"
        return key, base | {"floor": _n(p.get("floor")), "target": _n(p.get("target"))}
    if method == "rank":
        return "formula.rank", base
    if method == "deduction":
        return "formula.deduction", base | {"per": _n(p.get("per_event", 1.0)),
                                            "floor": _n(p.get("floor", 0.0))}
    if method == "bonus":
        return "formula.bonus", base | {"per": _n(p.get("per_unit", 1.0))}
    if method == "veto":
        return "formula.veto", base | {"threshold": _n(p.get("threshold", 1.0))}
    return "formula.graded", base

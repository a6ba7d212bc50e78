"""Scoring methods (计分方法), pure polars. Each scores one leaf for many departments at once:
`fn(frame, weight=..., **params) -> frame` adds `fraction` (share of the weight earned, or null
when the input is missing) and `points`; `frame` holds `value` (Float64) and, for 排名法, the
peer group column `peer_group`; 定性 reads `grade`.

Missing input (value null) is never scored silently: `apply_missing` turns it into 0 points
(`missing_zero`) or "not assessed" (`not_assessed`, the siblings are re-weighted in
metrics.performance.tree) as the indicator declares."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

V = pl.col("value")
GRADE_SHARE: dict[str, float] = {"A": 1.0, "B": 0.8, "C": 0.6, "D": 0.4}


def _finish(frame: pl.DataFrame, fraction: pl.Expr, weight: float) -> pl.DataFrame:
    return frame.with_columns(fraction.cast(pl.Float64).alias("fraction")).with_columns(
        (pl.col("fraction") * weight).round(2).alias("points"))


def ratio(frame: pl.DataFrame, *, weight: float, target: float, higher_is_better: bool = True,
          cap: float = 1.0) -> pl.DataFrame:
    """比率法. Higher is better: points = weight × min(value / target, cap).
    Lower is better: points = weight × min(target / value, cap), and value ≤ 0 earns the cap.
    `target` > 0; `cap` ≥ 1 lets a department earn above the weight for beating the target
    (1.0: never above)."""
    if target <= 0:
        raise ValueError("ratio: target must be > 0")
    if higher_is_better:
        share = V / target
    else:
        share = pl.when(V <= 0).then(pl.lit(cap)).otherwise(pl.lit(target) / V)
    return _finish(frame, share.clip(upper_bound=cap), weight)  # clip keeps nulls


def band(frame: pl.DataFrame, *, weight: float, floor: float, target: float,
         higher_is_better: bool = True, bands: list[list[float]] | None = None) -> pl.DataFrame:
    """区间法. Without `bands`: linear between floor and target —
    higher is better: fraction = clip((value − floor) / (target − floor), 0, 1);
    lower is better (floor > target, the worst acceptable value): fraction =
    clip((floor − value) / (floor − target), 0, 1). points = weight × fraction.
    With `bands` [[threshold, fraction], …]: the fraction of the best band reached
    (value ≥ threshold when higher is better, value ≤ threshold when lower), else 0."""
    if bands:
        ordered = sorted(bands, key=lambda b: b[1], reverse=True)
        expr = pl.when(V.is_null()).then(pl.lit(None, pl.Float64))
        for threshold, share in ordered:
            reached = V >= threshold if higher_is_better else V <= threshold
            expr = expr.when(reached).then(pl.lit(float(share)))
        return _finish(frame, expr.otherwise(pl.lit(0.0)), weight)
    if floor == target:
        raise ValueError("band: floor and target must differ")
    raw = (V - floor) / (target - floor) if higher_is_better else (floor - V) / (floor - target)
    return _finish(frame, raw.clip(0.0, 1.0), weight)


def rank(frame: pl.DataFrame, *, weight: float, higher_is_better: bool = True) -> pl.DataFrame:
    """排名法. Among the departments of one peer group with a value (n of them), r = rank with
    ties at their average rank (1 = best); fraction = (n − r) / (n − 1), and 1 when n = 1.
    points = weight × fraction."""
    has = V.is_not_null()
    r = V.rank("average", descending=higher_is_better).over("peer_group")
    n = has.sum().over("peer_group").cast(pl.Float64)
    share = (pl.when(~has).then(pl.lit(None, pl.Float64))
             .when(n <= 1).then(pl.lit(1.0))
             .otherwise((n - r) / (n - 1)))
    return _finish(frame, share, weight)


def deduction(frame: pl.DataFrame, *, weight: float, per_event: float = 1.0,
              floor: float = 0.0) -> pl.DataFrame:
    """扣分法. points = max(weight − per_event × value, floor): e.g. −2 per open red light,
    never below `floor` points (0 by default)."""
    if weight <= 0:
        return _finish(frame, pl.lit(0.0), weight)
    pts = (pl.lit(weight) - per_event * V).clip(lower_bound=floor)
    return _finish(frame, pts / weight, weight)


def bonus(frame: pl.DataFrame, *, weight: float, per_unit: float = 1.0) -> pl.DataFrame:
    """加分. points = min(value × per_unit, weight): the weight is the item's cap; bonus points
    are added on top of the 100 (and the period caps their sum, `Period.bonus_cap`)."""
    if weight <= 0:
        return _finish(frame, pl.lit(0.0), weight)
    return _finish(frame, (V * per_unit).clip(0.0, weight) / weight, weight)


def veto(frame: pl.DataFrame, *, weight: float = 0.0, threshold: float = 1.0) -> pl.DataFrame:
    """一票否决. vetoed = value ≥ threshold (e.g. one serious violation). It earns no points; a
    vetoed department keeps its score but its grade is forced down (metrics.performance.grades)."""
    return frame.with_columns(
        pl.when(V.is_null()).then(pl.lit(None, pl.Float64)).otherwise(pl.lit(0.0)).alias("fraction"),
        pl.lit(0.0).alias("points"),
        (V >= threshold).fill_null(False).alias("vetoed"))


def graded(frame: pl.DataFrame, *, weight: float) -> pl.DataFrame:
    """定性. Grade A / B / C / D earns 100 / 80 / 60 / 40 % of the weight:
    points = weight × share(grade). (Entry refuses a grade without its justification.)"""
    share = pl.col("grade").replace_strict(GRADE_SHARE, default=None, return_dtype=pl.Float64)
    return _finish(frame, share, weight)


METHODS: dict[str, Callable[..., pl.DataFrame]] = {
    "ratio": ratio, "band": band, "rank": rank, "deduction": deduction, "bonus": bonus,
    "veto": veto, "graded": graded}
# parameters each method takes besides the weight (the indicator's declared params)
PARAMS: dict[str, tuple[str, ...]] = {
    "ratio": ("target", "cap"), "band": ("floor", "target", "bands"), "rank": (),
    "deduction": ("per_event", "floor"), "bonus": ("per_unit",), "veto": ("threshold",),
    "graded": ()}
REQUIRED: dict[str, tuple[str, ...]] = {
    "ratio": ("target",), "band": ("floor", "target"), "rank": (), "deduction": (), "bonus": (),
    "veto": (), "graded": ()}
USES_DIRECTION = frozenset({"ratio", "band", "rank"})


def score(frame: pl.DataFrame, method: str, *, weight: float, higher_is_better: bool = True,
          params: dict | None = None) -> pl.DataFrame:
    """Dispatch to the method with the indicator's parameters."""
    kwargs = {k: v for k, v in (params or {}).items() if k in PARAMS[method]}
    if method in USES_DIRECTION:
        kwargs["higher_is_better"] = higher_is_better
    out = METHODS[method](frame, weight=weight, **kwargs)
    if "vetoed" not in out.columns:
        out = out.with_columns(pl.lit(False).alias("vetoed"))
    return out


def apply_missing(frame: pl.DataFrame, missing_rule: str) -> pl.DataFrame:
    """`status`: scored, missing_zero (no input, 0 points) or not_assessed (no input; the
    leaf leaves the tree for this department and its siblings are re-weighted)."""
    missing = pl.col("fraction").is_null()
    status = (pl.when(~missing).then(pl.lit("scored"))
              .otherwise(pl.lit("missing_zero" if missing_rule == "zero" else "not_assessed")))
    return frame.with_columns(status.alias("status"),
                              pl.col("points").fill_null(0.0), pl.col("fraction").fill_null(0.0))

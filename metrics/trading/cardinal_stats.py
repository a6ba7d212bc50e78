"""The arithmetic Cardinal's fences use, reproduced bit for bit.

- quantiles: statrs 0.16.1 `Data::quantile` (Hyndman–Fan type 8, numpy's "median_unbiased"),
  written with statrs' own operations in statrs' order so every float agrees;
- fences: Rust's `f64::mul_add` is a fused multiply-add (one rounding); Python 3.11 has no
  `math.fma`, so it is computed exactly with fractions and rounded once;
- Meta figures: `(v * 10000).round() / 10000` with Rust's round (half away from zero)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

NAN = float("nan")


def quantile(values: Iterable[float], tau: float) -> float:
    data = sorted(values)
    n = len(data)
    if not 0.0 <= tau <= 1.0 or n == 0:
        return NAN
    h = (n + 1.0 / 3.0) * tau + 1.0 / 3.0
    hf = math.floor(h)
    if hf <= 0 or tau == 0.0:
        return data[0]
    if hf >= n or math.isclose(tau, 1.0, rel_tol=0.0, abs_tol=4 * 2.220446049250313e-16):
        return data[-1]
    a, b = data[hf - 1], data[hf]
    return a + (h - hf) * (b - a)


def lower_quartile(values: Iterable[float]) -> float:
    return quantile(values, 0.25)


def upper_quartile(values: Iterable[float]) -> float:
    return quantile(values, 0.75)


def percentile(values: Iterable[float], p: int) -> float:
    return quantile(values, p / 100.0)


def mul_add(a: float, b: float, c: float) -> float:
    """a * b + c with a single rounding, like Rust's f64::mul_add."""
    if not all(math.isfinite(x) for x in (a, b, c)):
        return a * b + c
    return float(Fraction(a) * Fraction(b) + Fraction(c))


def lower_fence(q1: float, q3: float) -> float:
    return mul_add(q3 - q1, -1.5, q1)


def upper_fence(q1: float, q3: float) -> float:
    return mul_add(q3 - q1, 1.5, q3)


def rust_round4(v: float) -> float | None:
    """Cardinal's Meta rounding; NaN (an empty set) serialises as null."""
    if math.isnan(v):
        return None
    if math.isinf(v):
        return None
    x = v * 10_000.0
    a = abs(x)
    r = math.floor(a)
    if a - r >= 0.5:
        r += 1
    return math.copysign(r, x) / 10_000.0

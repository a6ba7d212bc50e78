"""S4 light rules that compare a case with its power: the procedure (AP-R2, against the flow
chart) and a department's speed against the other departments holding the same power
(AP-Y6)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import polars as pl

from metrics.esupervision.schemas import case_subjects
from metrics.lights.registry import facts_json
from metrics.power.flowchart import check_step_keys, start_and_end_steps, step_key


def wrong_procedure(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-R2: a finished case whose passes through the steps (in order of start, every pass
    of a step kept) do not form a walk of the chart from a start step to an end step — a
    skipped step, an order the chart does not allow, a step not on the chart — or that has
    no recorded step at all. Start and end steps as the flow validator defines them
    (metrics.power.flowchart.start_and_end_steps): a self-loop or a return the chart draws
    (3→2) is a move like any other, a one-step power starts and ends at its step."""
    cases = (frames["ap_cases"]
             .select("case_id", "power_id", "status", "case_no", "power_name", "department_id",
                     "region_code")
             .filter(pl.col("status") == pl.lit("finished")))
    edges = frames["ap_flow_edges"]
    chart = frames["ap_flow_steps"]
    case_steps = frames["ap_steps"].select("case_id", "seq", "step_order")
    check_step_keys(pl.concat([chart["power_id"], edges["power_id"], cases["power_id"]]),
                    pl.concat([chart["seq"], edges["from_seq"], edges["to_seq"], case_steps["seq"]]))
    # membership tests on one integer per (power, step) and per arc instead of joins on
    # composite keys (a province has 5.7M steps)
    node = step_key("power_id", "seq")
    starts_f, ends_f = start_and_end_steps(chart, edges)
    starts = starts_f.select(node.alias("k"))["k"]
    ends = ends_f.select(node.alias("k"))["k"]
    arcs = edges.select(step_key(step_key("power_id", "from_seq"), "to_seq").alias("k"))["k"].unique()
    # sorted by case and order, the next row's step is the next step while the case is the
    # same (no window functions: a province has a million small groups)
    steps = _with_power(_sorted(case_steps.filter(pl.col("case_id").is_in(cases["case_id"].implode())),
                                "case_id", "step_order"),
                        _sorted(cases.select("case_id", "power_id"), "case_id"))
    same_next = (pl.col("case_id").shift(-1) == pl.col("case_id")).fill_null(False)
    first = (pl.col("case_id").shift(1) != pl.col("case_id")).fill_null(True)
    next_arc = step_key(node, pl.col("seq").shift(-1))
    bad_step = (
        (first & ~node.is_in(starts.implode()))
        | (same_next & ~next_arc.is_in(arcs.implode()))
        | (~same_next & ~node.is_in(ends.implode())))
    bad = steps.filter(bad_step).group_by("case_id").agg(
        pl.col("seq").first().alias("first_bad_seq"))
    per_case = (steps.join(bad.select("case_id"), on="case_id", how="semi")
                .group_by("case_id", maintain_order=True)
                .agg(pl.col("seq").cast(pl.String).str.join("→").alias("path"))
                .join(bad, on="case_id"))
    walked = cases.join(per_case, on="case_id", how="inner").with_columns(
        pl.lit(False).alias("no_steps"))
    stepless = (cases.filter(~pl.col("case_id").is_in(steps.filter(first)["case_id"].implode()))
                .with_columns(pl.lit("").alias("path"), pl.lit(None, pl.Int64).alias("first_bad_seq"),
                              pl.lit(True).alias("no_steps")))
    hit = pl.concat([walked, stepless.select(walked.columns)])
    return case_subjects(hit, pl.col("path"), pl.col("first_bad_seq"), pl.col("no_steps"))


def _sorted(frame: pl.DataFrame, *by: str) -> pl.DataFrame:
    """`frame` sorted by `by`, sorted only when it is not already (the loader hands the steps
    over sorted by case and order: checking costs a sixth of sorting 5.7M rows again)."""
    ordered = pl.lit(True)
    for i, name in enumerate(by):  # row after row: ahead on this column, ties before it
        tie = pl.lit(True)
        for prev in by[:i]:
            tie = tie & (pl.col(prev).diff() == 0)
        ordered = ordered & ~(tie & (pl.col(name).diff() < 0)).fill_null(False)
    if frame.height < 2 or frame.select(ordered.all()).item():
        return frame.with_columns(pl.col(by[0]).set_sorted())
    return frame.sort(*by)


def _with_power(steps: pl.DataFrame, cases: pl.DataFrame) -> pl.DataFrame:
    """Each step with its case's power_id. Every step's case is in `cases` and both are
    sorted by case_id, so an as-of join matches exactly — 5× faster than a hash join of 5.7M
    steps on a million cases."""
    return steps.join_asof(cases, on="case_id", strategy="backward", check_sortedness=False)


QUARTILE_METHODS = ("tukey", "linear", "midpoint", "nearest", "lower", "higher")


def _quartiles(m: pl.Expr, method: str) -> tuple[pl.Expr, pl.Expr]:
    """Q1 and Q3 of `m` within a group. "linear" (the default): Hyndman & Fan type 7, numpy's
    and R's default — among 4 departments the largest median lights from 5·(third) − 4·Q1
    on. "tukey": Tukey's hinges, the medians of the lower and upper halves (the middle
    value in both when the count is odd); among 4 departments the largest can never reach
    the fence. The others are polars' quantile interpolations."""
    if method == "tukey":
        s = m.sort()
        half = (pl.len() + 1) // 2
        rank = pl.int_range(pl.len())
        return (s.filter(rank < half).median(), s.filter(rank >= pl.len() - half).median())
    if method not in QUARTILE_METHODS:
        raise ValueError(f"quartile method {method!r}: one of {', '.join(QUARTILE_METHODS)}")
    return m.quantile(0.25, method), m.quantile(0.75, method)  # type: ignore[arg-type]


def outlier_department(frames: Mapping[str, pl.DataFrame], params: Mapping[str, Any]) -> pl.DataFrame:
    """AP-Y6: per power item (the same category and name held by several departments), a
    department whose median elapsed working days of finished cases of its power (its code,
    every version together) is ≥ Q3 + k·IQR of all the departments' medians and above Q3 (so
    equal medians never fire); quartiles by `quartile_method`. Needs `min_cases` cases per
    department and `min_departments` departments."""
    k = float(params["iqr_factor"])
    method = str(params["quartile_method"])
    item = ["power_category", "power_name"]
    per_dept = (frames["ap_cases"].filter(pl.col("status") == pl.lit("finished"))
                .group_by(*item, "department_id", "power_code")
                .agg(pl.col("region_code").first(), pl.len().alias("cases"),
                     pl.col("elapsed_workdays").median().alias("median_workdays"))
                .filter(pl.col("cases") >= pl.lit(int(params["min_cases"]))))
    m = pl.col("median_workdays")
    q1, q3 = _quartiles(m, method)
    fences = (per_dept.group_by(*item)
              .agg(pl.len().alias("departments"), q1.alias("q1"), q3.alias("q3"))
              .filter(pl.col("departments") >= pl.lit(int(params["min_departments"])))
              .with_columns((pl.col("q3") + pl.lit(k) * (pl.col("q3") - pl.col("q1"))).alias("fence")))
    hit = (per_dept.join(fences, on=item, how="inner")
           .filter((m >= pl.col("fence")) & (m > pl.col("q3"))))
    return hit.select(
        pl.lit("department_power").alias("subject_type"),
        (pl.col("department_id").cast(pl.String) + pl.lit(":") + pl.col("power_code")).alias("subject_id"),
        pl.col("department_id"), pl.col("region_code"),
        facts_json(pl.col("power_code"), pl.col("power_name"), pl.col("cases"), m,
                   pl.col("departments"), pl.col("q1"), pl.col("q3"), pl.col("fence"),
                   pl.lit(k).alias("iqr_factor"), pl.lit(method).alias("quartile_method")))

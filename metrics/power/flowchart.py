"""Flow charts of powers (运行流程图): validation (drawing is in `flow_dot`). Pure: frames in, frames out.

A flow is a set of steps (power_id, seq, name, limit_days, ...) and edges (power_id, from_seq,
to_seq, condition). It is valid when
  * it has at least one step and no step number twice;
  * no edge starts or ends at a step that does not exist;
  * exactly one step has no incoming edge from another step (the start);
  * every step is reachable from the start;
  * at least one step has no outgoing edge (an end);
  * the step limits summed along the LONGEST path from the start to an end do not exceed the
    power's promised limit. Steps are numbered in order: an edge to a step with the same or a
    lower number is a return (e.g. 补正后重新受理) and is not followed again for this sum; a
    step without a limit counts 0 days.

Every problem is a row (power_id, key, params) where key is an i18n key and params a JSON
object of its placeholders, so the UI can say it in plain words in either language.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import polars as pl

ISSUE_SCHEMA = {"power_id": pl.Int64, "key": pl.String, "params": pl.String}
STEP_COLUMNS = {"power_id": pl.Int64, "seq": pl.Int64, "name": pl.String, "limit_days": pl.Int64}
EDGE_COLUMNS = {"power_id": pl.Int64, "from_seq": pl.Int64, "to_seq": pl.Int64}

K = "power.flow."


@dataclass(frozen=True)
class FlowIssue:
    key: str
    params: dict = field(default_factory=dict)


def _steps(steps: pl.DataFrame) -> pl.DataFrame:
    cols = {c: dt for c, dt in STEP_COLUMNS.items()}
    frame = steps.select(
        *(pl.col(c).cast(dt) if c in steps.columns else pl.lit(None, dt).alias(c)
          for c, dt in cols.items()))
    return frame.with_columns(
        pl.col("name").fill_null(""), pl.col("limit_days").fill_null(0).clip(lower_bound=0))


def _edges(edges: pl.DataFrame) -> pl.DataFrame:
    return edges.select(pl.col(c).cast(dt) for c, dt in EDGE_COLUMNS.items())


def _label(seq: pl.Expr, name: pl.Expr) -> pl.Expr:
    return pl.format("{}（{}）", seq, name)


def _issues(frame: pl.DataFrame, key: str, **params: pl.Expr) -> pl.DataFrame:
    """Rows of one issue kind: params given as expressions over `frame`."""
    if frame.is_empty():
        return pl.DataFrame(schema=ISSUE_SCHEMA)
    p = (pl.struct(**params).struct.json_encode() if params else pl.lit("{}"))
    return frame.select(pl.col("power_id").cast(pl.Int64), pl.lit(key).alias("key"),
                        p.alias("params"))


# a (power, step) as one integer: joins and membership tests on it are several times faster
# than on the pair (a province has 300,000 steps in force and 5.7M case steps); step numbers
# stay below the span (uploads take 1–99). An arc (power, from, to) nests two keys, so power
# ids must stay below 2**(63 - 2·20): `check_step_keys` refuses anything larger instead of
# letting Int64 wrap round into another power's key.
STEP_BITS = 20
STEP_SPAN = 1 << STEP_BITS
MAX_ARC_POWER_ID = (1 << (63 - 2 * STEP_BITS)) - 1


class StepKeyOverflow(ValueError):
    """A power id or step number too large for the integer (power, step) key."""


def check_step_keys(power_ids: pl.Series | None, seqs: pl.Series | None) -> None:
    """Raise StepKeyOverflow when a power id or step number would not fit the keys."""
    top_power = power_ids.max() if power_ids is not None and power_ids.len() else None
    if top_power is not None and (top_power > MAX_ARC_POWER_ID or power_ids.min() < 0):
        raise StepKeyOverflow(f"power id {top_power} is beyond {MAX_ARC_POWER_ID}")
    if seqs is not None and seqs.len() and seqs.drop_nulls().len():
        lo, hi = seqs.min(), seqs.max()
        if hi >= STEP_SPAN or lo < 0:
            raise StepKeyOverflow(f"step number {hi if hi >= STEP_SPAN else lo} is outside "
                                  f"0…{STEP_SPAN - 1}")


def step_key(power: str | pl.Expr, seq: str | pl.Expr) -> pl.Expr:
    """power * STEP_SPAN + step, from column names or expressions (check the inputs once
    with `check_step_keys`)."""
    def col(c: str | pl.Expr) -> pl.Expr:
        return pl.col(c) if isinstance(c, str) else c
    return col(power) * STEP_SPAN + col(seq)


def start_and_end_steps(steps: pl.DataFrame, edges: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The one definition of a flow's start and end steps (the flow validator and AP-R2 both
    use it): a start has no incoming edge from ANOTHER step, an end no outgoing edge to
    another step. Self-loops (补正 at 受理) neither make nor unmake a start or an end, and a
    one-step power (即办件) starts and ends at its only step. Frames of (power_id, seq).
    Computed on one integer per (power, step) (`step_key`): a province's chart has 450,000
    steps, and anti-joins on the pair took 0.5 s."""
    check_step_keys(pl.concat([steps["power_id"], edges["power_id"]]),
                    pl.concat([steps["seq"], edges["from_seq"], edges["to_seq"]]))
    nodes = steps.select(step_key("power_id", "seq").alias("k"))["k"].unique()
    moves = edges.filter(pl.col("from_seq") != pl.col("to_seq"))
    incoming = moves.select(step_key("power_id", "to_seq").alias("k"))["k"]
    outgoing = moves.select(step_key("power_id", "from_seq").alias("k"))["k"]

    def pairs(keys: pl.Series) -> pl.DataFrame:
        return keys.to_frame("k").select((pl.col("k") // STEP_SPAN).cast(steps.schema["power_id"]).alias("power_id"),
                                         (pl.col("k") % STEP_SPAN).cast(steps.schema["seq"]).alias("seq"))
    return (pairs(nodes.filter(~nodes.is_in(incoming.implode()))),
            pairs(nodes.filter(~nodes.is_in(outgoing.implode()))))


def _reachable(start: pl.DataFrame, edges: pl.DataFrame, max_rounds: int) -> pl.DataFrame:
    """(power_id, seq) reachable from each power's start: a walk that follows, each round,
    only the steps first reached the round before (the whole set again each round cost
    rounds × 300,000 rows for a province)."""
    arcs = edges.select(step_key("power_id", "from_seq").alias("node"),
                        step_key("power_id", "to_seq").alias("next"))
    reached = start.select(step_key("power_id", "seq").alias("node")).unique()
    frontier = reached
    for _ in range(max_rounds):
        new = (frontier.join(arcs, on="node").select(pl.col("next").alias("node")).unique()
               .join(reached, on="node", how="anti"))
        if new.height == 0:
            break
        reached = pl.concat([reached, new])
        frontier = new
    return reached.select((pl.col("node") // STEP_SPAN).alias("power_id"),
                          (pl.col("node") % STEP_SPAN).alias("seq"))


def _longest(steps: pl.DataFrame, edges: pl.DataFrame, start: pl.DataFrame,
             max_rounds: int) -> pl.DataFrame:
    """Per power: the largest sum of step limits on a forward path from the start. Each round
    extends only the steps whose sum grew the round before (as `_reachable`)."""
    forward = edges.filter(pl.col("to_seq") > pl.col("from_seq")).select(
        step_key("power_id", "from_seq").alias("node"), step_key("power_id", "to_seq").alias("next"))
    limits = steps.select(step_key("power_id", "seq").alias("node"), "limit_days")
    dist = (start.select(step_key("power_id", "seq").alias("node")).join(limits, on="node")
            .group_by("node").agg(pl.col("limit_days").max().alias("dist")))
    frontier = dist
    for _ in range(max_rounds):
        cand = (frontier.join(forward, on="node")
                .join(limits, left_on="next", right_on="node")
                .group_by(pl.col("next").alias("node"))
                .agg((pl.col("dist") + pl.col("limit_days")).max().alias("dist")))
        grown = (cand.join(dist, on="node", how="left", suffix="_was")
                 .filter(pl.col("dist_was").is_null() | (pl.col("dist") > pl.col("dist_was")))
                 .select("node", "dist"))
        if grown.height == 0:
            break
        dist = pl.concat([dist.join(grown, on="node", how="anti"), grown])
        frontier = grown
    return (dist.group_by((pl.col("node") // STEP_SPAN).alias("power_id"))
            .agg(pl.col("dist").max().alias("longest")))


def flow_issues(steps: pl.DataFrame, edges: pl.DataFrame, powers: pl.DataFrame) -> pl.DataFrame:
    """All problems of the flows of `powers` (power_id, promised_limit_days)."""
    powers = powers.select(pl.col("power_id").cast(pl.Int64),
                           pl.col("promised_limit_days").cast(pl.Int64))
    ids = powers.select("power_id")
    steps = _steps(steps).join(ids, on="power_id", how="semi")
    edges = _edges(edges).join(ids, on="power_id", how="semi")
    out: list[pl.DataFrame] = []

    no_steps = ids.join(steps, on="power_id", how="anti")
    out.append(_issues(no_steps, K + "no_steps"))

    dup = steps.group_by("power_id", "seq").agg(pl.len().alias("n")).filter(pl.col("n") > 1)
    out.append(_issues(dup, K + "duplicate_seq", seq=pl.col("seq")))
    steps = steps.unique(subset=["power_id", "seq"], keep="first", maintain_order=True)
    check_step_keys(steps["power_id"], steps["seq"])

    known = steps.select("power_id", "seq")
    bad_from = edges.join(known, left_on=["power_id", "from_seq"], right_on=["power_id", "seq"],
                          how="anti").with_columns(pl.col("from_seq").alias("missing"))
    bad_to = edges.join(known, left_on=["power_id", "to_seq"], right_on=["power_id", "seq"],
                        how="anti").with_columns(pl.col("to_seq").alias("missing"))
    bad = pl.concat([bad_from, bad_to]).unique(maintain_order=True)
    out.append(_issues(bad, K + "edge_missing_step", from_seq=pl.col("from_seq"),
                       to_seq=pl.col("to_seq"), seq=pl.col("missing")))
    edges = (edges.join(known, left_on=["power_id", "from_seq"], right_on=["power_id", "seq"],
                        how="semi")
             .join(known, left_on=["power_id", "to_seq"], right_on=["power_id", "seq"],
                   how="semi"))

    start_steps, end_steps = start_and_end_steps(steps, edges)
    starts = steps.join(start_steps, on=["power_id", "seq"], how="semi")
    n_starts = starts.group_by("power_id").agg(
        pl.len().alias("n"), pl.col("seq").sort().first().alias("seq"),
        _label(pl.col("seq"), pl.col("name")).sort_by("seq").str.join("、").alias("labels"))
    with_steps = steps.select("power_id").unique()
    no_start = with_steps.join(n_starts, on="power_id", how="anti")
    out.append(_issues(no_start, K + "no_start"))
    many = n_starts.filter(pl.col("n") > 1)
    out.append(_issues(many, K + "many_starts", steps=pl.col("labels")))

    start = n_starts.filter(pl.col("n") == 1).select("power_id", "seq")
    rounds = int(steps.group_by("power_id").len()["len"].max() or 0) + 1
    reached = _reachable(start, edges, rounds)
    unreached = (steps.join(start.select("power_id"), on="power_id", how="semi")
                 .join(reached, on=["power_id", "seq"], how="anti")
                 .group_by("power_id").agg(
                     _label(pl.col("seq"), pl.col("name")).sort_by("seq").str.join("、")
                     .alias("labels")))
    out.append(_issues(unreached, K + "unreachable", steps=pl.col("labels")))

    ends = end_steps.select("power_id").unique()
    no_end = with_steps.join(ends, on="power_id", how="anti")
    out.append(_issues(no_end, K + "no_end"))

    longest = _longest(steps, edges, start, rounds).join(powers, on="power_id")
    over = longest.filter(pl.col("longest") > pl.col("promised_limit_days"))
    out.append(_issues(over, K + "over_limit", total=pl.col("longest"),
                       promised=pl.col("promised_limit_days")))
    return pl.concat(out).sort("power_id", maintain_order=True)


def flow_validity(steps: pl.DataFrame, edges: pl.DataFrame, powers: pl.DataFrame) -> pl.DataFrame:
    """(power_id, flow_valid, n_issues) for every power in `powers`."""
    issues = flow_issues(steps, edges, powers).group_by("power_id").agg(
        pl.len().cast(pl.Int64).alias("n_issues"))
    return (powers.select(pl.col("power_id").cast(pl.Int64))
            .join(issues, on="power_id", how="left")
            .with_columns(pl.col("n_issues").fill_null(0))
            .with_columns((pl.col("n_issues") == 0).alias("flow_valid")))


def validate_flow(steps: pl.DataFrame, edges: pl.DataFrame,
                  promised_limit_days: int) -> list[FlowIssue]:
    """The problems of one flow (steps and edges of a single power, power_id not needed)."""
    steps = steps.with_columns(pl.lit(0, pl.Int64).alias("power_id"))
    edges = edges.with_columns(pl.lit(0, pl.Int64).alias("power_id"))
    powers = pl.DataFrame({"power_id": [0], "promised_limit_days": [promised_limit_days]})
    rows = flow_issues(steps, edges, powers)
    return [FlowIssue(r["key"], json.loads(r["params"])) for r in rows.iter_rows(named=True)]

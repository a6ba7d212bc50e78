"""The indicator tree, pure: checking it, re-weighting around leaves not assessed, rolling
leaf points up the tree, department totals, grades and peer ranks.

Nodes are dicts (a tree has tens of nodes): code, parent_code, weight, kind (score / bonus /
veto), method (leaves), source, metric_key, params (dict). Bonus and veto items sit outside the
100: they are leaves and never count in a parent's weight."""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from metrics.performance.methods import METHODS, REQUIRED

TOL = 0.005  # weights are points with two decimals
GRADE_ORDER: tuple[str, ...] = ("excellent", "good", "fair", "poor")
DEFAULT_BOUNDS: dict[str, float] = {"excellent": 90.0, "good": 80.0, "fair": 60.0}
VETO_GRADE = "poor"


@dataclass(frozen=True)
class Problem:
    """One reason a tree is refused: an i18n key of area `performance` and its parameters."""
    key: str
    params: dict = field(default_factory=dict)


def children_of(nodes: list[dict]) -> dict[str | None, list[dict]]:
    out: dict[str | None, list[dict]] = {}
    for n in nodes:
        out.setdefault(n.get("parent_code"), []).append(n)
    return out


def leaves(nodes: list[dict]) -> list[dict]:
    parents = {n.get("parent_code") for n in nodes}
    return [n for n in nodes if n["code"] not in parents]


def validate_tree(nodes: list[dict], known_metrics: set[str] | frozenset[str]) -> list[Problem]:
    """Every reason the tree cannot be used, in plain words (empty: it is sound)."""
    problems: list[Problem] = []
    codes = [n["code"] for n in nodes]
    for c in sorted({c for c in codes if codes.count(c) > 1}):
        problems.append(Problem("tree.err_duplicate", {"code": c}))
    by_code = {n["code"]: n for n in nodes}
    for n in nodes:
        p = n.get("parent_code")
        if p is not None and p not in by_code:
            problems.append(Problem("tree.err_parent", {"code": n["code"], "parent": p}))
    for n in nodes:  # a parent chain that comes back to itself
        seen, p = {n["code"]}, n.get("parent_code")
        while p is not None and p in by_code:
            if p in seen:
                problems.append(Problem("tree.err_cycle", {"code": n["code"]}))
                break
            seen.add(p)
            p = by_code[p].get("parent_code")
    if problems:
        return problems
    kids = children_of(nodes)
    scored = lambda ns: [k for k in ns if k.get("kind", "score") == "score"]  # noqa: E731
    top = sum(float(k["weight"]) for k in scored(kids.get(None, [])))
    if abs(top - 100.0) > TOL:
        problems.append(Problem("tree.err_top_sum", {"sum": f"{top:g}"}))
    for n in nodes:
        ch = kids.get(n["code"], [])
        if not ch:
            continue
        if n.get("kind", "score") != "score":
            problems.append(Problem("tree.err_special_inner", {"code": n["code"]}))
        total = sum(float(k["weight"]) for k in scored(ch))
        if abs(total - float(n["weight"])) > TOL:
            problems.append(Problem("tree.err_children_sum", {
                "code": n["code"], "weight": f"{float(n['weight']):g}", "sum": f"{total:g}"}))
    for n in leaves(nodes):
        problems += _leaf_problems(n, known_metrics)
    return problems


def _leaf_problems(n: dict, known_metrics: set[str] | frozenset[str]) -> list[Problem]:
    code, method, kind = n["code"], n.get("method"), n.get("kind", "score")
    if method not in METHODS:
        return [Problem("tree.err_method", {"code": code, "method": method or ""})]
    out = []
    expected = {"bonus": "bonus", "veto": "veto"}.get(kind)
    if (expected and method != expected) or (kind == "score" and method in ("bonus", "veto")):
        out.append(Problem("tree.err_kind_method", {"code": code, "method": method}))
    params = n.get("params") or {}
    for p in REQUIRED[method]:
        if params.get(p) is None:
            out.append(Problem("tree.err_param", {"code": code, "param": p}))
    if method == "ratio" and params.get("target") is not None and float(params["target"]) <= 0:
        out.append(Problem("tree.err_target", {"code": code}))
    if method == "band" and not params.get("bands") and params.get("floor") is not None \
            and params.get("floor") == params.get("target"):
        out.append(Problem("tree.err_band", {"code": code}))
    source = n.get("source", "auto")
    if method == "graded" and source != "manual":
        out.append(Problem("tree.err_graded_manual", {"code": code}))
    if source == "auto" and n.get("metric_key") not in known_metrics:
        out.append(Problem("tree.err_metric", {"code": code, "metric": n.get("metric_key") or ""}))
    return out


def ancestors(nodes: list[dict]) -> pl.DataFrame:
    """(code, ancestor) for every node and each of its proper ancestors."""
    by_code = {n["code"]: n for n in nodes}
    rows = []
    for n in nodes:
        p = n.get("parent_code")
        while p is not None:
            rows.append((n["code"], p))
            p = by_code[p].get("parent_code")
    return pl.DataFrame(rows, schema={"code": pl.String, "ancestor": pl.String}, orient="row")


def effective_weights(nodes: list[dict], assessed: pl.DataFrame) -> pl.DataFrame:
    """Re-weighting around leaves not assessed. assessed: department_id, code (score leaves),
    assessed (bool) -> department_id, code, effective_weight.

    A(p) = nominal weights of p's children with something assessed under them; A(root) the
    same over the top level. effective(leaf) = weight(leaf) × 100 / A(root) ×
    Π over its proper ancestors p of weight(p) / A(p): a node keeps its full weight as long as
    one leaf under it is assessed, shared among the assessed children in proportion to their
    weights. When every leaf is assessed it equals the nominal weight."""
    weight = pl.DataFrame([(n["code"], float(n["weight"]), n.get("parent_code")) for n in nodes
                           if n.get("kind", "score") == "score"],
                          schema={"code": pl.String, "weight": pl.Float64, "parent": pl.String},
                          orient="row")
    anc = ancestors(nodes)
    # which nodes have something assessed under them (a leaf counts for itself)
    under = (assessed.join(anc, on="code", how="left")
             .select("department_id", "assessed",
                     pl.concat_list(pl.col("code"), pl.col("ancestor")).alias("node"))
             .explode("node").drop_nulls("node").unique(["department_id", "node", "assessed"])
             .group_by("department_id", "node").agg(pl.col("assessed").any()))
    alive = (under.filter(pl.col("assessed")).join(weight, left_on="node", right_on="code")
             .with_columns(pl.col("parent").fill_null("")))
    a_of = alive.group_by("department_id", "parent").agg(pl.col("weight").sum().alias("A"))
    ratio = (a_of.join(weight.rename({"code": "parent", "weight": "nominal", "parent": "_p"})
                       .drop("_p"), on="parent", how="left")
             .with_columns(pl.col("nominal").fill_null(100.0))
             .with_columns((pl.col("nominal") / pl.col("A")).alias("r")))
    chain = (assessed.filter(pl.col("assessed")).select("department_id", "code")
             .join(anc, on="code", how="left")
             .with_columns(pl.col("ancestor").fill_null(""))
             .vstack(assessed.filter(pl.col("assessed")).select(
                 "department_id", "code", pl.lit("").alias("ancestor")))
             .unique())
    factors = (chain.join(ratio.select("department_id", pl.col("parent").alias("ancestor"), "r"),
                          on=["department_id", "ancestor"], how="left")
               .group_by("department_id", "code").agg(pl.col("r").fill_null(1.0).product()))
    return (assessed.join(factors, on=["department_id", "code"], how="left")
            .join(weight.select("code", "weight"), on="code", how="left")
            .select("department_id", "code",
                    pl.when(pl.col("assessed")).then(pl.col("weight") * pl.col("r"))
                    .otherwise(pl.lit(0.0)).round(4).alias("effective_weight")))


def node_rollup(nodes: list[dict], leaf_scores: pl.DataFrame) -> pl.DataFrame:
    """leaf_scores: department_id, code, kind, points, effective_weight -> per department and
    node (every node of the tree, leaves included): points, max_points, lost (max − points).
    A node's points are exactly the sum of its leaves' points."""
    anc = ancestors(nodes)
    rows = (leaf_scores.join(anc, on="code", how="left")
            .select("department_id", "code", "points", "effective_weight", "kind",
                    pl.concat_list(pl.col("code"), pl.col("ancestor")).alias("node"))
            .explode("node").drop_nulls("node"))
    # a leaf appears once per ancestor, with itself in each of those rows: keep each
    # (department, leaf, node) once
    rows = rows.unique(["department_id", "code", "node"])
    return (rows.group_by("department_id", "node")
            .agg(pl.col("points").sum().round(2),
                 pl.when(pl.col("kind") == "score").then(pl.col("effective_weight"))
                 .otherwise(0.0).sum().round(2).alias("max_points"))
            .with_columns((pl.col("max_points") - pl.col("points")).clip(lower_bound=0)
                          .round(2).alias("lost"))
            .rename({"node": "code"}).sort("department_id", "code"))


def department_totals(leaf_scores: pl.DataFrame, *, bonus_cap: float) -> pl.DataFrame:
    """department_id, kind, points, vetoed, status -> base (score leaves), bonus (capped at
    `bonus_cap`), total = base + bonus, vetoed, missing (leaves without input)."""
    return (leaf_scores.group_by("department_id").agg(
        pl.col("points").filter(pl.col("kind") == "score").sum().round(2).alias("base_points"),
        pl.col("points").filter(pl.col("kind") == "bonus").sum().alias("_bonus"),
        pl.col("vetoed").any().alias("vetoed"),
        (pl.col("status") != "scored").sum().cast(pl.Int64).alias("missing_leaves"))
        .with_columns(pl.min_horizontal(pl.col("_bonus"), pl.lit(float(bonus_cap)))
                      .round(2).alias("bonus_points"))
        .with_columns((pl.col("base_points") + pl.col("bonus_points")).round(2).alias("total"))
        .drop("_bonus"))


def check_bounds(bounds: dict[str, float]) -> list[Problem]:
    e, g, f = (float(bounds.get(k, -1)) for k in ("excellent", "good", "fair"))
    if not (100 >= e > g > f > 0):
        return [Problem("grades.err_order", {"excellent": f"{e:g}", "good": f"{g:g}",
                                             "fair": f"{f:g}"})]
    return []


def grade_expr(bounds: dict[str, float] | None = None) -> pl.Expr:
    """total ≥ excellent → 优秀, ≥ good → 良好, ≥ fair → 一般, else 较差; a vetoed department
    is 较差 whatever its score (the score itself is kept)."""
    b = {**DEFAULT_BOUNDS, **(bounds or {})}
    total = pl.col("total")
    return (pl.when(pl.col("vetoed")).then(pl.lit(VETO_GRADE))
            .when(total >= b["excellent"]).then(pl.lit("excellent"))
            .when(total >= b["good"]).then(pl.lit("good"))
            .when(total >= b["fair"]).then(pl.lit("fair"))
            .otherwise(pl.lit("poor")).alias("grade"))


def peer_ranks(totals: pl.DataFrame) -> pl.DataFrame:
    """Rank by total within `peer_group` (1 = best; equal totals share the best rank), and
    the group's size."""
    return totals.with_columns(
        pl.col("total").rank("min", descending=True).over("peer_group").cast(pl.Int64)
        .alias("peer_rank"),
        pl.len().over("peer_group").cast(pl.Int64).alias("peer_count"))

"""S3 page pieces: the period picker (kept in the URL), cached scoped reads, labels, and the
tables pages show (here, not in the pages, so that they only lay them out: DESIGN §3)."""

from __future__ import annotations

import json

import polars as pl
import streamlit as st

from services.performance import read
from services.performance.periods import periods
from services.platform.scope import Scope
from ui.platform.db import cache_key, unit_of_work
from ui.platform.i18n import t


def _url() -> str:
    return cache_key()


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _periods(url: str, stamp: float) -> list[dict]:  # noqa: ARG001
    with unit_of_work() as s:
        return [{"code": p.code, "name": p.name, "status": p.status, "four_eyes": p.four_eyes,
                 "computed_at": p.computed_at, "version_id": p.version_id,
                 "grade_bounds": p.grade_bounds} for p in periods(session=s)]


def period_list() -> list[dict]:
    return _periods(_url(), st.session_state.get("perf_stamp", 0.0))


def bump() -> None:
    """After a write: cached reads of this session start again."""
    import time

    st.session_state["perf_stamp"] = time.time()


def period_picker(key: str) -> dict | None:
    items = period_list()
    if not items:
        st.info(t("performance.no_period"))
        return None
    codes = [p["code"] for p in items]
    wanted = st.query_params.get("period")
    st.session_state.setdefault(key, wanted if wanted in codes else codes[0])
    if st.session_state[key] not in codes:
        st.session_state[key] = codes[0]
    by_code = {p["code"]: p for p in items}

    def label(c: str) -> str:
        return by_code[c]["name"] + "（" + t(f"performance.status.{by_code[c]['status']}") + "）"

    code = st.selectbox(t("performance.period_label"), codes, key=key, format_func=label)
    if st.query_params.get("period") != code:
        st.query_params["period"] = code
    return next(p for p in items if p["code"] == code)


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def ranking(url: str, scope: Scope, code: str, stamp: object) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as s:
        return read.ranking(session=s, scope=scope, period_code=code)


@st.cache_data(ttl=120, max_entries=32, show_spinner=False)
def trend(url: str, scope: Scope, stamp: object) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as s:
        return read.trend(session=s, scope=scope)


def board(scope: Scope, period: dict) -> pl.DataFrame:
    return ranking(_url(), scope, period["code"], (period["computed_at"],
                                                   st.session_state.get("perf_stamp", 0.0)))


def grade_label(grade: str) -> str:
    return t(f"performance.grade.{grade}")


def display_board(frame: pl.DataFrame, period_code: str) -> pl.DataFrame:
    """The ranking as users read it: Chinese headers, grade names, a link to each card."""
    return frame.select(
        pl.col("department").alias(t("performance.col.department")),
        pl.col("region").alias(t("performance.col.region")),
        pl.col("total").alias(t("performance.col.total")),
        pl.col("base_points").alias(t("performance.col.base")),
        pl.col("bonus_points").alias(t("performance.col.bonus")),
        pl.col("grade").replace_strict({g: grade_label(g) for g in
                                        ("excellent", "good", "fair", "poor")}).alias(t("performance.col.grade")),
        pl.when(pl.col("vetoed")).then(pl.lit(t("performance.vetoed"))).otherwise(pl.lit(""))
        .alias(t("performance.col.veto")),
        pl.format("{}/{}", "peer_rank", "peer_count").alias(t("performance.col.peer_rank")),
        pl.col("missing_leaves").alias(t("performance.col.missing")),
        pl.format("/perf_card?period={}&dept={}", pl.lit(period_code), "department_id")
        .alias(t("performance.col.card")))


def display_regions(regions: pl.DataFrame) -> pl.DataFrame:
    """The region comparison as users read it: Chinese headers and level names."""
    levels = {lv: t(f"org.level.{lv}") for lv in ("province", "city", "county")}
    return (regions.drop("region_code").with_columns(pl.col("region_level").replace_strict(levels))
            .rename({"region": t("performance.col.region"), "region_level": t("performance.ranking.level"),
                     "level_rank": t("performance.ranking.level_rank"),
                     "average": t("performance.ranking.average"),
                     "departments": t("performance.ranking.departments"), "poor": grade_label("poor")}))


def entry_choices(grid: pl.DataFrame) -> tuple[dict[str, str], dict[str, tuple]]:
    """The entry form's choices from the workbench grid: department code → name, and leaf
    code → (code, name, method), each sorted by code."""
    depts = grid.select("department_code", "department").unique().sort("department_code")
    leaves = grid.select("code", "name", "method").unique().sort("code")
    return dict(depts.iter_rows()), {r[0]: r for r in leaves.iter_rows()}


def code_label(section: str, code: str | None) -> str:
    """A stored code (method, kind, source, missing rule, score status) as its catalog label."""
    return t(f"performance.{section}.{code}") if code else "—"


def _labels(col: str, section: str, codes: tuple[str, ...]) -> pl.Expr:
    return pl.col(col).replace_strict({c: code_label(section, c) for c in codes},
                                      default=pl.col(col), return_dtype=pl.String)


def tree_display(frame: pl.DataFrame, headers: dict[str, str]) -> pl.DataFrame:
    """The indicator tree with its codes read out (kind, method, source, missing rule)."""
    from models.performance import KINDS, METHODS, MISSING_RULES, SOURCES

    return frame.with_columns(
        _labels("kind", "kind", KINDS), _labels("method", "method", METHODS),
        _labels("source", "source", SOURCES), _labels("missing_rule", "missing_rule", MISSING_RULES),
    ).rename(headers)


TREE_FIELDS = ("code", "parent_code", "name_zh", "weight", "kind", "method", "source", "metric_key",
               "missing_rule")


def tree_frame(nodes: list[dict]) -> pl.DataFrame:
    """A version's indicator nodes as one row each, `params` as JSON text (Chinese kept as is):
    a dict column would not show in a table nor export to xlsx."""
    return pl.DataFrame([{**{k: n[k] for k in TREE_FIELDS},
                          "params": json.dumps(n["params"], ensure_ascii=False)} for n in nodes])


def todo_display(todo: pl.DataFrame) -> pl.DataFrame:
    from models.performance import MANUAL_STATUSES

    return todo.select(
        pl.col("department").alias(t("performance.workbench.col_department")),
        pl.col("code").alias(t("performance.workbench.col_code")),
        pl.col("name").alias(t("performance.workbench.col_name")),
        _labels("status", "mstatus", ("missing", *MANUAL_STATUSES))
        .alias(t("performance.workbench.col_status")))


def completeness_display(done: pl.DataFrame) -> pl.DataFrame:
    return done.select(
        pl.col("department").alias(t("performance.workbench.col_department")),
        *(pl.col(c).alias(t(f"performance.workbench.col_{c}"))
          for c in ("leaves", "entered", "reviewed", "counted", "share")))

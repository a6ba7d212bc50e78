"""The cockpit's ranking: departments and regions by open red lights per 100 approval cases
and by on-time rate (this year's cases), as tables with an Excel export."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from core.clock import china_today
from metrics.esupervision.ranking import case_counts, department_ranking, region_ranking
from models.db import session_scope
from services.esupervision import read as es
from services.lights.read import data_stamp as lights_stamp
from services.platform.scope import Scope
from ui.esupervision.view import percent_text
from ui.lights.export import about_sheet, download
from ui.platform.background import in_background
from ui.platform.context import current_user
from ui.platform.db import cache_key, get_engine, unit_of_work
from ui.platform.i18n import t
from ui.platform.tables import data_table


def _count_cases(engine: Engine, scope: Scope, today: date) -> pl.DataFrame:
    """This year's cases counted per department: reading a province's million cases takes
    seconds, so this runs in the background (ui.platform.background), once per data change."""
    with session_scope(engine) as session:
        cases = es.timed_cases(session=session, scope=scope, today=today,
                               since=today.replace(month=1, day=1)).cases
    return case_counts(cases)


def rankings(scope: Scope, today: date) -> tuple[pl.DataFrame, pl.DataFrame] | None:
    """(departments, regions) ranked, worst first, on the cases received since 1 January;
    None while the counts are being computed. Ranked again when the cases or the lights
    change (their data stamps), not on every rerun."""
    engine = get_engine()
    with unit_of_work() as session:
        stamp = es.data_stamp(session=session)
        lights = lights_stamp(session=session)
    counts = in_background(("es_rank", cache_key(), scope, today, stamp),
                           lambda: _count_cases(engine, scope, today),
                           waiting=t("esupervision.rank.computing"))
    if counts is None:
        return None
    return _ranked(cache_key(), scope, today, stamp, lights, counts)


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _ranked(url: str, scope: Scope, today: date, stamp: tuple, lights: tuple,  # noqa: ARG001
            _counts: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The two rankings; `_counts` (not hashed) follows from the case stamp in the key."""
    with unit_of_work() as session:
        depts = es.departments_in_scope(session=session, scope=scope)
        regions = es.regions_in_scope(session=session, scope=scope)
        red = es.open_red_by_department(session=session, scope=scope)
    depts = depts.join(regions.select("region_code", "region"), on="region_code", how="left")
    return department_ranking(depts, _counts, red), region_ranking(depts, _counts, red)


def _shown(frame: pl.DataFrame, names: list[str]) -> pl.DataFrame:
    return frame.select(
        pl.col("rank").alias(t("esupervision.rank.rank")),
        *[pl.col(c).fill_null("—") for c in names],
        pl.col("cases").alias(t("esupervision.rank.cases")),
        pl.col("open_red").alias(t("esupervision.rank.open_red")),
        pl.col("red_per_100").round(2).cast(pl.String).fill_null("—").alias(t("esupervision.rank.red_per_100")),
        pl.col("concluded").alias(t("esupervision.rank.concluded")),
        pl.Series(t("esupervision.rank.on_time_rate"),
                  [percent_text(v) for v in frame["on_time_rate"]], dtype=pl.String),
    ).rename({"department": t("esupervision.rank.department"),
              "region": t("esupervision.rank.region")}, strict=False)


def ranking_section(scope: Scope) -> None:
    today = china_today()
    st.subheader(t("esupervision.rank.title"))
    st.caption(t("esupervision.rank.caption", since=f"{today:%Y}-01-01"))
    ranked = rankings(scope, today)
    if ranked is None:
        return
    depts, regions = ranked
    dept_table = _shown(depts, ["department", "region"])
    region_table = _shown(regions, ["region"])
    tab_d, tab_r = st.tabs([t("esupervision.rank.by_department"), t("esupervision.rank.by_region")])
    data_table(dept_table, hide_index=True, width="stretch", where=tab_d)
    data_table(region_table, hide_index=True, width="stretch", where=tab_r)
    ctx = current_user()
    if ctx is None:
        return
    filters = {t("esupervision.rank.period"): f"{today:%Y}-01-01 — {today:%Y-%m-%d}"}
    download(t("core.export_xlsx"), "ranking.xlsx", lambda: {
        t("core.export.about_sheet"): about_sheet(ctx, filters, rows=dept_table.height),
        t("esupervision.rank.by_department"): dept_table,
        t("esupervision.rank.by_region"): region_table,
    }, key="es_rank_export")

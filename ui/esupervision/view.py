"""E-supervision page pieces: the filter bar (region, department, power, period), cached
scoped reads, and the tables as the user sees them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from core.clock import china_today
from metrics.esupervision.timing import period_start
from models.db import session_scope
from services.esupervision import read as es
from services.platform.scope import Scope
from ui.lights.format import dashes, level_label
from ui.platform.background import in_background
from ui.platform.context import UserContext
from ui.platform.db import cache_key, get_engine, unit_of_work
from ui.platform.formatting import share_text
from ui.platform.i18n import t

PERIODS = ("m1", "m3", "m6", "m12", "year", "quarter", "custom")
YEARS_BACK = 5


@dataclass(frozen=True)
class CaseFilter:
    region_prefix: str | None = None
    department_id: int | None = None
    power_name: str | None = None
    months: int = 12
    start: date | None = None      # a year, a quarter or a custom range (then end is set too)
    end: date | None = None
    labels: tuple[tuple[str, str], ...] = ()  # (filter, value) as the user picked them

    def since(self, today: date) -> date:
        return self.start or period_start(today, self.months)

    def until(self) -> date | None:
        return self.end


def _url() -> str:
    return cache_key()


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _places(url: str, scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame, list[str]]:  # noqa: ARG001
    with unit_of_work() as session:
        return (es.regions_in_scope(session=session, scope=scope).sort("path"),
                es.departments_in_scope(session=session, scope=scope),
                es.power_names(session=session, scope=scope))


def _period(container, key: str, today: date) -> tuple[int, date | None, date | None, str]:  # noqa: ANN001
    """(months, start, end, label) of the period widgets: the last n months, a year, a
    quarter or a custom range of receipt dates."""
    kind = container.selectbox(t("esupervision.f.period"), PERIODS, index=PERIODS.index("m12"),
                               key=f"{key}_period", format_func=lambda p: (
                                   t("esupervision.f.months", n=int(p[1:])) if p.startswith("m")
                                   else t(f"esupervision.f.{p}")))
    if kind.startswith("m"):
        return int(kind[1:]), None, None, t("esupervision.f.months", n=int(kind[1:]))
    years = list(range(today.year, today.year - YEARS_BACK, -1))
    if kind == "year":
        year = container.selectbox(t("esupervision.f.year"), years, key=f"{key}_year")
        return 12, date(year, 1, 1), date(year, 12, 31), t("esupervision.f.year_label", year=year)
    if kind == "quarter":
        year = container.selectbox(t("esupervision.f.year"), years, key=f"{key}_qyear")
        q = container.selectbox(t("esupervision.f.quarter"), (1, 2, 3, 4), key=f"{key}_q",
                                index=(today.month - 1) // 3 if year == today.year else 0,
                                format_func=lambda n: t("esupervision.f.quarter_n", n=n))
        start = date(year, 3 * q - 2, 1)
        end = (date(year + 1, 1, 1) if q == 4 else date(year, 3 * q + 1, 1)) - timedelta(days=1)
        return 12, start, end, t("esupervision.f.quarter_label", year=year, n=q)
    picked = container.date_input(t("esupervision.f.range"), key=f"{key}_range", format="YYYY-MM-DD",
                                  value=(period_start(today, 1), today), max_value=today)
    start, end = (tuple(picked) + (None, None))[:2] if isinstance(picked, (tuple, list)) else (picked, None)
    end = end or start
    return 12, start, end, f"{start} — {end}"


def case_filters(ctx: UserContext, *, key: str, with_power: bool = True) -> CaseFilter:
    regions, depts, powers = _places(_url(), ctx.scope)
    cols = st.columns(4 if with_power else 3)
    names = dict(zip(regions["region_code"], regions["region"], strict=True))
    paths = dict(zip(regions["region_code"], regions["path"], strict=True))
    region = cols[0].selectbox(t("esupervision.f.region"), [None, *names], key=f"{key}_region",
                               placeholder=t("esupervision.f.all"),
                               format_func=lambda c: names[c] if c else t("esupervision.f.all"))
    if region:
        codes = regions.filter(pl.col("path").str.starts_with(paths[region]))["region_code"]
        depts = depts.filter(pl.col("region_code").is_in(codes.implode()))
    dept_names = dict(zip(depts["department_id"], depts["department"], strict=True))
    dept = cols[1].selectbox(t("esupervision.f.department"), [None, *dept_names], key=f"{key}_dept",
                             placeholder=t("esupervision.f.all"),
                             format_func=lambda d: dept_names.get(d, "") if d else t("esupervision.f.all"))
    power = None
    if with_power:
        power = cols[2].selectbox(t("esupervision.f.power"), [None, *powers], key=f"{key}_power",
                                  placeholder=t("esupervision.f.all"),
                                  format_func=lambda p: p or t("esupervision.f.all"))
    months, start, end, period = _period(cols[-1], key, china_today())
    everything = t("esupervision.f.all")
    labels = ((t("esupervision.f.region"), names[region] if region else everything),
              (t("esupervision.f.department"), dept_names.get(dept, "") if dept else everything),
              *(((t("esupervision.f.power"), power or everything),) if with_power else ()),
              (t("esupervision.f.period"), period))
    return CaseFilter(paths.get(region) if region else None, dept, power, months, start, end, labels)


@dataclass(frozen=True)
class CaseData:
    cases: pl.DataFrame          # CASES_SCHEMA + remaining_workdays + department + region
    unknown_years: tuple[int, ...]
    today: date


def _timed(session, scope: Scope, flt: CaseFilter, today: date, *, open_only: bool = False):  # noqa: ANN001, ANN202
    """The filter's cases with their timing (services.esupervision.read.timed_cases)."""
    return es.timed_cases(session=session, scope=scope, today=today, since=flt.since(today),
                          until=flt.until(), region_prefix=flt.region_prefix,
                          department_id=flt.department_id, power_name=flt.power_name,
                          open_only=open_only)


@st.cache_data(ttl=120, max_entries=32, show_spinner=False)
def _cases(url: str, scope: Scope, flt: CaseFilter, today: date, stamp: tuple,  # noqa: ARG001
           open_only: bool) -> CaseData:
    # open cases are in every period (cases_stmt), so `open_only` keeps the period's open ones
    with unit_of_work() as session:
        timed = _timed(session, scope, flt, today, open_only=open_only)
    regions, depts, _ = _places(url, scope)
    cases = (timed.cases.join(depts.select("department_id", "department"), on="department_id", how="left")
             .join(regions.select("region_code", "region"), on="region_code", how="left"))
    return CaseData(cases, timed.unknown_years, today)


def _stamp() -> tuple:
    with unit_of_work() as session:
        return es.data_stamp(session=session)


def case_data(scope: Scope, flt: CaseFilter, *, open_only: bool = False) -> CaseData:
    """The cases of the filter (`open_only`: its open ones, what 在办案件 shows: a province
    has 60,000 of a million)."""
    return _cases(_url(), scope, flt, china_today(), _stamp(), open_only)


@dataclass(frozen=True)
class Stats:
    received: int
    unknown_years: tuple[int, ...]
    overall: pl.DataFrame
    by_department: pl.DataFrame
    by_power: pl.DataFrame
    elapsed: pl.DataFrame
    weekly: pl.DataFrame


def _stats(engine: Engine, scope: Scope, flt: CaseFilter, today: date, depts: pl.DataFrame) -> Stats:
    from metrics.esupervision.timing import (
        elapsed_summary,
        on_time_rate,
        overall_on_time,
        received_since,
        weekly_volumes,
    )

    with session_scope(engine) as session:
        timed = _timed(session, scope, flt, today)
    cases = received_since(timed.cases.join(depts.select("department_id", "department"), on="department_id",
                                            how="left"), flt.since(today))
    return Stats(cases.height, timed.unknown_years, overall_on_time(cases),
                 on_time_rate(cases, ["department"]), on_time_rate(cases, ["power_name"]),
                 elapsed_summary(cases), weekly_volumes(cases))


def stats_when_ready(scope: Scope, flt: CaseFilter) -> Stats | None:
    """The efficiency page's figures over the filter's cases received in its period (a
    province's year is a million cases: seconds to read on SQLite), computed in the background
    (ui.platform.background) once per filter, day and data stamp; None (with a notice) until
    they are in."""
    engine, today = get_engine(), china_today()
    _regions, depts, _ = _places(_url(), scope)
    return in_background(("es_stats", _url(), scope, flt, today, _stamp()),
                         lambda: _stats(engine, scope, flt, today, depts),
                         waiting=t("esupervision.stats.computing"))


def open_cases_table(data: CaseData) -> pl.DataFrame:
    with unit_of_work() as session:
        lit = es.case_lights(session=session, cases=data.cases, today=data.today)
    order = pl.col("light").replace_strict({"red": 0, "yellow": 1, "green": 2}, return_dtype=pl.Int8)
    return dashes(lit.sort(order, "remaining_workdays", "case_no")
            .select(pl.col("light").replace_strict({lv: level_label(lv) for lv in ("red", "yellow", "green")},
                                                    return_dtype=pl.String).alias(t("esupervision.col.light")),
                    pl.col("case_no").alias(t("esupervision.col.case_no")),
                    pl.col("power_name").alias(t("esupervision.col.power")),
                    # the version in force on the day of receipt, which set limit, fee and flow
                    pl.col("power_version").alias(t("esupervision.col.power_version")),
                    pl.col("department").alias(t("esupervision.col.department")),
                    pl.col("region").alias(t("esupervision.col.region")),
                    pl.col("status").replace_strict({s: t(f"esupervision.status.{s}") for s in
                                                     ("in_progress", "suspended")}, default=pl.col("status"))
                    .alias(t("esupervision.col.status")),
                    pl.col("received_on").alias(t("esupervision.col.received_on")),
                    pl.col("limit_days").alias(t("esupervision.col.limit_days")),
                    pl.col("deadline").alias(t("esupervision.col.deadline")),
                    pl.col("elapsed_workdays").alias(t("esupervision.col.elapsed")),
                    pl.col("remaining_workdays").alias(t("esupervision.col.remaining"))))


def percent_text(value: float | None) -> str:
    """A rate in percent with one decimal, never rounded up to 100.0 % (99.98 % reads 99.9 %)."""
    return share_text(None if value is None else value / 100)


def _floor_rate(col: str) -> pl.Expr:
    return pl.when(pl.col(col) < 100).then((pl.col(col) * 10).floor() / 10).otherwise(pl.col(col))


def rate_table(frame: pl.DataFrame, label_col: str, label_key: str) -> pl.DataFrame:
    return frame.select(pl.col(label_col).alias(t(label_key)),
                        pl.col("concluded").alias(t("esupervision.col.concluded")),
                        pl.col("on_time").alias(t("esupervision.col.on_time")),
                        pl.col("late").alias(t("esupervision.col.late")),
                        _floor_rate("on_time_rate").alias(t("esupervision.col.on_time_rate")))


@dataclass(frozen=True)
class FundData:
    funds: pl.DataFrame     # fund_progress columns + department + region
    payments: pl.DataFrame


@st.cache_data(ttl=120, max_entries=32, show_spinner=False)
def _funds(url: str, scope: Scope, flt: CaseFilter, today: date, stamp: tuple,  # noqa: ARG001
           year: int | None = None) -> FundData:
    from metrics.esupervision.timing import fund_progress

    regions, depts, _ = _places(url, scope)
    with unit_of_work() as session:
        funds = es.read_funds(session=session, scope=scope)
        if flt.region_prefix:
            codes = regions.filter(pl.col("path").str.starts_with(flt.region_prefix))["region_code"]
            funds = funds.filter(pl.col("region_code").is_in(codes.implode()))
        if flt.department_id is not None:
            funds = funds.filter(pl.col("department_id") == flt.department_id)
        if year is not None:
            funds = funds.filter(pl.col("year") == year)
        payments = es.read_payments(session=session, scope=scope,
                                    fund_ids=funds["fund_id"].to_list() or [-1])
    progress = (fund_progress(funds, payments, today=today)
                .join(depts.select("department_id", "department"), on="department_id", how="left")
                .join(regions.select("region_code", "region"), on="region_code", how="left"))
    paid_in = pl.col("paid_on") >= flt.since(today)
    if flt.until() is not None:
        paid_in &= pl.col("paid_on") <= flt.until()
    return FundData(progress, payments.filter(paid_in))


def fund_data(scope: Scope, flt: CaseFilter, year: int | None = None) -> FundData:
    return _funds(_url(), scope, flt, china_today(), _stamp(), year)


def fund_years(scope: Scope) -> list[int]:
    """The budget years of the funds in scope, newest first."""
    funds = _funds(_url(), scope, CaseFilter(), china_today(), _stamp()).funds
    return sorted(set(funds["year"].to_list()), reverse=True)


def money_columns() -> dict:
    """Yuan with thousands separators and two decimals in the funds tables."""
    cols = ("esupervision.col.budget", "esupervision.col.paid", "esupervision.col.amount")
    return {t(k): st.column_config.NumberColumn(format="localized") for k in cols}


def funds_table(funds: pl.DataFrame) -> pl.DataFrame:
    return dashes(funds.select(
        pl.col("code").alias(t("esupervision.col.fund_code")), pl.col("name").alias(t("esupervision.col.fund")),
        pl.col("department").alias(t("esupervision.col.department")),
        pl.col("region").alias(t("esupervision.col.region")), pl.col("year").alias(t("esupervision.col.year")),
        pl.col("allocated_on").cast(pl.Date).alias(t("esupervision.col.allocated_on")),
        pl.col("budget").alias(t("esupervision.col.budget")), pl.col("paid").round(2).alias(t("esupervision.col.paid")),
        pl.col("payments").alias(t("esupervision.col.payments")),
        pl.col("progress").alias(t("esupervision.col.progress"))))


def payments_table(payments: pl.DataFrame, fund_code: str | None = None) -> pl.DataFrame:
    of_fund = payments if fund_code is None else payments.filter(pl.col("fund_code") == fund_code)
    return dashes(of_fund.sort("paid_on", descending=True).select(
        pl.col("fund_code").alias(t("esupervision.col.fund_code")),
        pl.col("paid_on").cast(pl.Date).alias(t("esupervision.col.paid_on")),
        pl.col("recipient_name").alias(t("esupervision.col.recipient")),
        pl.col("recipient_uscc").alias(t("esupervision.col.uscc")),
        pl.col("amount").alias(t("esupervision.col.amount")), pl.col("voucher").alias(t("esupervision.col.voucher"))))

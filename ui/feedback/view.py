"""Shared pieces of the S5 pages: the acting user as a service Actor, labels in the user's
language, cached scoped reads and the localised ticket table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from metrics.feedback.flow import STATUSES
from metrics.feedback.kpis import mix_order, top_matters
from models.db import session_scope
from models.feedback import CHANNELS, SATISFACTION, URGENCIES
from services.feedback import kpi_sql, public, read, summary_sql
from services.feedback.tickets import Actor
from services.platform.scope import Scope
from ui.platform.background import in_background
from ui.platform.context import UserContext
from ui.platform.db import cache_key, get_engine, unit_of_work
from ui.platform.i18n import t


def actor_of(ctx: UserContext) -> Actor:
    return Actor(ctx.username, tuple(ctx.roles), ctx.department_id, ctx.scope)


_MACHINE = ("system", "cli", "worker", "sweep")


def actor_labels(timeline: pl.DataFrame, people: dict[str, str]) -> pl.Expr:
    """Who acted, as people read it: a user's name, 系统 for the platform, the Open311 client
    or the citizen, else the handling department (an account of its own system)."""
    actor = pl.col("actor")
    return (pl.when(actor.is_in(list(people))).then(actor.replace_strict(people, default=actor))
            .when(actor.is_in(list(_MACHINE))).then(pl.lit(t("audit.system_actor")))
            .when(actor.str.starts_with("open311")).then(pl.lit(t("feedback.actor.open311")))
            .when(actor == "public").then(pl.lit(t("feedback.actor.public")))
            .when(pl.col("department").is_not_null())
            .then(pl.format(t("feedback.actor.department"), pl.col("department")))
            .otherwise(pl.lit("—")))


def status_label(s: str | None) -> str:
    return t(f"feedback.status.{s}") if s in STATUSES else (s or "")


def channel_label(c: str | None) -> str:
    return t(f"feedback.channel.{c}") if c in CHANNELS else (c or "")


def urgency_label(u: str | None) -> str:
    return t(f"feedback.urgency.{u}") if u in URGENCIES else (u or "")


def satisfaction_label(s: str | None) -> str:
    return t(f"feedback.satisfaction.{s}") if s in SATISFACTION else ""


def action_label(a: str) -> str:
    return t(f"feedback.action.{a}")


def fb_error_text(exc: Exception) -> str:
    """A service error in the user's language, the action and status named by their labels."""
    params = dict(getattr(exc, "params", {}))
    if "action" in params:
        params["action"] = action_label(str(params["action"]))
    if "status" in params:
        params["status"] = status_label(str(params["status"]))
    key = getattr(exc, "key", None)
    return t(key, **params) if key else str(exc)


def _url() -> str:
    return cache_key()


def stamp() -> tuple:
    with unit_of_work() as s:
        return read.data_stamp(session=s)


@st.cache_data(ttl=300, max_entries=32, show_spinner=False)
def _names(url: str, stamp_: tuple) -> tuple[dict, dict, dict]:  # noqa: ARG001
    with unit_of_work() as s:
        cats = read.categories(session=s, active_only=False)
        regions = read.regions(session=s)
        from services.platform.scope import ALL

        depts = read.departments(session=s, scope=ALL)
    return (dict(zip(cats["code"], cats["name"], strict=True)),
            dict(zip(regions["code"], regions["name"], strict=True)),
            dict(zip(depts["id"], depts["name"], strict=True)))


def names() -> tuple[dict, dict, dict]:
    """(category code -> name, region code -> name, department id -> name)."""
    return _names(_url(), (0,))


@dataclass(frozen=True)
class Analysis:
    parts: pl.DataFrame   # services.feedback.kpi_sql.kpi_parts by BY
    mix: pl.DataFrame     # category_code, tickets
    top: pl.DataFrame     # metrics.feedback.kpis.top_matters


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def _tickets(url: str, scope: Scope, filters: tuple, stamp_: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as s:
        return read.tickets(session=s, scope=scope, **dict(filters))


@st.cache_data(ttl=120, max_entries=128, show_spinner=False)
def _page(url: str, scope: Scope, filters: tuple, offset: int, limit: int, stamp_: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as s:
        return read.ticket_page(session=s, scope=scope, offset=offset, limit=limit, **dict(filters))


@st.cache_data(ttl=120, max_entries=128, show_spinner=False)
def _counts(url: str, scope: Scope, filters: tuple, today: date, stamp_: tuple) -> dict:  # noqa: ARG001
    with unit_of_work() as s:
        return read.ticket_counts(session=s, scope=scope, today=today, **dict(filters))


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def _kpi_parts(url: str, scope: Scope, by: tuple, today: date, filters: tuple, stamp_: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as s:
        return kpi_sql.kpi_parts(s.connection(), scope, by=list(by), today=today, **dict(filters))


BY = ("month", "region_code", "department_id")  # the analysis page's finest grouping


def _analysis(engine: Engine, scope: Scope, today: date) -> Analysis:
    window = {"since": today - timedelta(days=365), "until": today}
    with session_scope(engine) as s:
        bind = s.connection()
        parts = kpi_sql.kpi_parts(bind, scope, by=list(BY), today=today, **window)
        counts = summary_sql.category_counts(bind, scope, **window)
        groups, first = summary_sql.unsettled_matters(bind, scope, **window)
    return Analysis(parts, mix_order(counts), top_matters(groups, first))


def analysis_when_ready(scope: Scope, today: date) -> Analysis | None:
    """The analysis page's last 12 months: KPI counts by month, region and department, the
    category mix and the most unsettled matters, all counted in the database (seconds for a
    province's million tickets on SQLite), so in the background (ui.platform.background),
    once per scope, day and data stamp; None (with a notice) until they are in."""
    engine = get_engine()
    return in_background(("fb_analysis", _url(), scope, today, stamp()),
                         lambda: _analysis(engine, scope, today), waiting=t("feedback.dashboard.computing"))


def public_stats_when_ready(today: date) -> dict[str, pl.DataFrame] | None:
    """The public statistics' last 12 months (services.feedback.public.statistics: the
    province's published tickets, seconds on SQLite), in the background once per day and
    data stamp for every visitor; None (with a notice) until they are in."""
    engine = get_engine()

    def count() -> dict[str, pl.DataFrame]:
        with session_scope(engine) as s:
            return public.statistics(session=s, today=today)
    return in_background(("fb_public_stats", _url(), today, stamp()), count,
                         waiting=t("feedback.public.stats_computing"))


def _clean(filters: dict) -> tuple:
    return tuple(sorted((k, v) for k, v in filters.items() if v not in (None, "")))


def ticket_page(scope: Scope, *, offset: int, limit: int, **filters) -> pl.DataFrame:  # noqa: ANN003
    return _page(_url(), scope, _clean(filters), offset, limit, stamp())


def ticket_counts(scope: Scope, today: date, **filters) -> dict:  # noqa: ANN003
    return _counts(_url(), scope, _clean(filters), today, stamp())


def kpi_parts(scope: Scope, today: date, by: tuple[str, ...], **filters) -> pl.DataFrame:  # noqa: ANN003
    """KPI numerators and denominators per group of `by`, counted in the database (cached);
    services.feedback.kpi_sql.kpis_from turns them into any coarser KPI table."""
    return _kpi_parts(_url(), scope, tuple(by), today, _clean(filters), stamp())


def tickets(scope: Scope, **filters) -> pl.DataFrame:  # noqa: ANN003
    """Scoped tickets (cached per database, scope, filters and data version)."""
    return _tickets(_url(), scope, _clean(filters), stamp())


def ticket_table(frame: pl.DataFrame) -> pl.DataFrame:
    """The list's columns in the user's language (contact always masked here)."""
    cats, regions, depts = names()
    return frame.select(
        pl.col("ticket_no").alias(t("feedback.col.ticket_no")),
        pl.col("received_at").dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M")
        .alias(t("feedback.col.received")),
        pl.col("channel").replace_strict({c: channel_label(c) for c in CHANNELS}, default=pl.col("channel"))
        .alias(t("feedback.col.channel")),
        pl.col("category_code").replace_strict(cats, default=pl.col("category_code")).alias(t("feedback.col.category")),
        pl.col("region_code").replace_strict(regions, default=pl.col("region_code")).alias(t("feedback.col.region")),
        pl.col("department_id").replace_strict(depts, default=None, return_dtype=pl.String)
        .alias(t("feedback.col.department")),
        pl.col("status").replace_strict({s: status_label(s) for s in STATUSES}, default=pl.col("status"))
        .alias(t("feedback.col.status")),
        pl.col("reply_due").alias(t("feedback.col.reply_due")),
        pl.col("content").str.slice(0, 40).alias(t("feedback.col.content")),
        pl.col("contact_mask").alias(t("feedback.col.contact")),
        pl.col("reopen_count").alias(t("feedback.col.reopens")),
        (pl.lit("feedback_ticket?no=") + pl.col("ticket_no")).alias("link"),
    )


def timeline_table(timeline: pl.DataFrame, people: dict[str, str]) -> pl.DataFrame:
    """A ticket's transitions with Chinese headers: Beijing time, action and status names, who."""
    return timeline.select(
        pl.col("at").dt.convert_time_zone("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M").alias(t("feedback.col.at")),
        pl.col("action").replace_strict({x: action_label(x) for x in timeline["action"].unique()},
                                        default=pl.col("action")).alias(t("feedback.col.action")),
        pl.col("to_status").replace_strict({x: status_label(x) for x in timeline["to_status"].unique()},
                                           default=pl.col("to_status")).alias(t("feedback.col.status")),
        pl.col("department").alias(t("feedback.col.department")),
        actor_labels(timeline, people).alias(t("feedback.col.actor")),
        pl.col("note").alias(t("feedback.col.note")))


def fields_table(fields: dict[str, str]) -> pl.DataFrame:
    """A ticket's fields as two columns, label and value (`k`, `v`)."""
    return pl.DataFrame({"k": list(fields), "v": list(fields.values())}, schema={"k": pl.String, "v": pl.String})

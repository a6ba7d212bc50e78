"""Cached reads of the S2 pages, keyed by the database URL, the scope, the filter and a stamp
that changes with the register and its lights."""

from __future__ import annotations

from dataclasses import replace

import polars as pl
import streamlit as st
from sqlalchemy.engine import Engine

from models.db import session_scope
from services.platform.scope import Scope
from services.trading import views
from services.trading.ocds_export import RegisterFilter
from ui.platform.background import in_background
from ui.platform.db import cache_key, get_engine, unit_of_work
from ui.platform.i18n import t


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _register(url: str, scope: Scope, flt: RegisterFilter, stamp: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as session:
        return views.register(session=session, scope=scope, flt=flt)


def _dashboard(engine: Engine, scope: Scope, flt: RegisterFilter) -> dict:
    with session_scope(engine) as session:
        return views.dashboard(session=session, scope=scope, flt=flt)


@st.cache_data(ttl=300, max_entries=32, show_spinner=False)
def _order(url: str, scope: Scope, flt: RegisterFilter, stamp: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as session:
        return views.register_order(session=session, scope=scope, flt=flt)


def cached_register_order(scope: Scope, flt: RegisterFilter) -> pl.DataFrame:
    return _order(_url(), scope, flt, _stamp())


def cached_register_rows(scope: Scope, flt: RegisterFilter, ocids: tuple[str, ...]) -> pl.DataFrame:
    """The register table of the processes `ocids` (one page of the register, in its order)."""
    return _register(_url(), scope, replace(flt, ocids=ocids), _stamp())


@st.cache_data(ttl=300, max_entries=32, show_spinner=False)
def _cockpit(url: str, scope: Scope, flt: RegisterFilter, stamp: tuple) -> dict:  # noqa: ARG001
    with unit_of_work() as session:
        return views.cockpit_figures(session=session, scope=scope, flt=flt)


def _stamp() -> tuple:
    with unit_of_work() as session:
        return tuple(str(v) for v in views.data_stamp(session=session))


def _url() -> str:
    return cache_key()


def cached_register(scope: Scope, flt: RegisterFilter) -> pl.DataFrame:
    return _register(_url(), scope, flt, _stamp())


def cached_cockpit(scope: Scope, flt: RegisterFilter) -> dict:
    return _cockpit(_url(), scope, flt, _stamp())


def dashboard_when_ready(scope: Scope, flt: RegisterFilter) -> dict | None:
    """The red-flag dashboard's tables, or None (with a notice) while they are computed: they
    need the whole register of the filter, bids and all (15 s for a province on SQLite), so
    it is read in the background (ui.platform.background), once per filter and data stamp."""
    engine = get_engine()
    return in_background(("tr_dashboard", _url(), scope, flt, _stamp()),
                         lambda: _dashboard(engine, scope, flt), waiting=t("trading.dashboard.computing"))


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _public_count(url: str, table: str, domain: str | None, stamp: tuple) -> int:  # noqa: ARG001
    with unit_of_work() as session:
        return views.public_count(session=session, table=table, domain=domain)


@st.cache_data(ttl=300, max_entries=256, show_spinner=False)
def _public_page(url: str, table: str, domain: str | None, offset: int, limit: int,
                 stamp: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as session:
        return views.public_page(session=session, table=table, domain=domain, offset=offset, limit=limit)


def public_stamp() -> tuple:
    """The register's data stamp, read once per run of the public page (its four tables)."""
    return _stamp()


def cached_public_count(table: str, domain: str | None, stamp: tuple) -> int:
    return _public_count(_url(), table, domain, stamp)


def cached_public_page(table: str, domain: str | None, offset: int, limit: int,
                       stamp: tuple) -> pl.DataFrame:
    return _public_page(_url(), table, domain, offset, limit, stamp)


@st.cache_data(ttl=300, max_entries=64, show_spinner=False)
def _options(url: str, scope: Scope, stamp: tuple) -> dict:  # noqa: ARG001
    with unit_of_work() as session:
        return views.filter_options(session=session, scope=scope)


def cached_options(scope: Scope) -> dict:
    return _options(_url(), scope, _stamp())

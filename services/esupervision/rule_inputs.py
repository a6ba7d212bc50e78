"""Rule inputs of S4 (see metrics/esupervision/rules.py for the columns). Whole province, no
scope; working-day columns computed here with the official calendar, "today" from the same
clock the `clock` loader gives the rules."""

from __future__ import annotations

import polars as pl

from services.esupervision import frames as es
from services.lights.inputs import Bind, Loader, loader_table
from services.lights.rule_inputs import clock


def _today(bind: Bind):  # noqa: ANN202
    return clock(bind)["today"][0]


LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)


@loader("ap_cases")
def ap_cases(bind: Bind) -> pl.DataFrame:
    return es.timed_cases(bind, None, today=_today(bind)).cases.drop("remaining_workdays")


@loader("ap_steps")
def ap_steps(bind: Bind) -> pl.DataFrame:
    return es.timed_steps(bind, None, today=_today(bind)).drop("handler")


@loader("ap_flow_steps")
def ap_flow_steps(bind: Bind) -> pl.DataFrame:
    return es.flow_steps(bind)


@loader("ap_flow_edges")
def ap_flow_edges(bind: Bind) -> pl.DataFrame:
    return es.flow_edges(bind)


@loader("ap_suspensions")
def ap_suspensions(bind: Bind) -> pl.DataFrame:
    return es.timed_suspensions(bind, None, today=_today(bind))


@loader("fd_funds")
def fd_funds(bind: Bind) -> pl.DataFrame:
    return es.read_funds(bind, None)


@loader("fd_payments")
def fd_payments(bind: Bind) -> pl.DataFrame:
    return es.read_payments(bind, None)

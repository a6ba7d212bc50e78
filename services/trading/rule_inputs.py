"""Rule inputs of S2 (see metrics/trading/rules_law.py): the whole register, unscoped, or the
processes of a set of departments (the buyer; issue 12's partitioned sync) and their bids,
awards, contracts, amendments and items, through the indexed department column of the process
and the process column of each child. The parties are a register of their own, read whole."""

from __future__ import annotations

import polars as pl

from services.lights.inputs import Bind, Departments, Loader, loader_table
from services.platform.scope import departments_scope
from services.trading import read

LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)
# what the S2 rules read of a process and of a bid (the export and the pages read the rest)
PROCESS_COLUMNS = ("process_id", "ocid", "domain", "title", "department_id", "department_code",
                   "department_name", "region_code", "agency_uscc", "method", "method_details",
                   "main_category", "max_price", "tender_start", "tender_end", "status")
BID_COLUMNS = ("process_id", "bid_no", "tenderer_uscc", "amount", "received_at", "status",
               "bond_account", "agent_name", "project_manager")


@loader("tr_processes", tables=("department", "trade_process"), by_department=True)
def tr_processes(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return read.processes(bind, departments_scope(departments), keep=PROCESS_COLUMNS)


@loader("tr_bids", tables=("trade_bid", "trade_process"), by_department=True)
def tr_bids(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return read.bids(bind, departments_scope(departments), keep=BID_COLUMNS)


@loader("tr_awards", tables=("trade_award", "trade_process"), by_department=True)
def tr_awards(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return read.awards(bind, departments_scope(departments))


@loader("tr_contracts", tables=("trade_contract", "trade_process"), by_department=True)
def tr_contracts(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return read.contracts(bind, departments_scope(departments))


@loader("tr_amendments", tables=("trade_amendment", "trade_contract", "trade_process"), by_department=True)
def tr_amendments(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return read.amendments(bind, departments_scope(departments))


@loader("tr_items", tables=("trade_item", "trade_process"), by_department=True)
def tr_items(bind: Bind, departments: Departments = None) -> pl.DataFrame:
    return read.items(bind, departments_scope(departments))


@loader("tr_parties", tables=("trade_party",))
def tr_parties(bind: Bind) -> pl.DataFrame:
    return read.parties(bind)

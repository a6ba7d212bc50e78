"""Rule inputs of S2 (see metrics/trading/rules_law.py): the whole register, unscoped."""

from __future__ import annotations

import polars as pl

from services.lights.inputs import Bind, Loader, loader_table
from services.trading import read

LOADERS: dict[str, Loader] = {}
loader = loader_table(LOADERS)
# what the S2 rules read of a process and of a bid (the export and the pages read the rest)
PROCESS_COLUMNS = ("process_id", "ocid", "domain", "title", "department_id", "department_code",
                   "department_name", "region_code", "agency_uscc", "method", "method_details",
                   "main_category", "max_price", "tender_start", "tender_end", "status")
BID_COLUMNS = ("process_id", "bid_no", "tenderer_uscc", "amount", "received_at", "status",
               "bond_account", "agent_name", "project_manager")


@loader("tr_processes", tables=("department", "trade_process"))
def tr_processes(bind: Bind) -> pl.DataFrame:
    return read.processes(bind, None, keep=PROCESS_COLUMNS)


@loader("tr_bids", tables=("trade_bid", "trade_process"))
def tr_bids(bind: Bind) -> pl.DataFrame:
    return read.bids(bind, None, keep=BID_COLUMNS)


@loader("tr_awards", tables=("trade_award", "trade_process"))
def tr_awards(bind: Bind) -> pl.DataFrame:
    return read.awards(bind, None)


@loader("tr_contracts", tables=("trade_contract", "trade_process"))
def tr_contracts(bind: Bind) -> pl.DataFrame:
    return read.contracts(bind, None)


@loader("tr_amendments", tables=("trade_amendment", "trade_contract", "trade_process"))
def tr_amendments(bind: Bind) -> pl.DataFrame:
    return read.amendments(bind, None)


@loader("tr_items", tables=("trade_item", "trade_process"))
def tr_items(bind: Bind) -> pl.DataFrame:
    return read.items(bind, None)


@loader("tr_parties", tables=("trade_party",))
def tr_parties(bind: Bind) -> pl.DataFrame:
    return read.parties(bind)

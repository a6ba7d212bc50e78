"""Scoped reads of the trading register into polars frames (metrics.trading.schemas).

`scope=None` reads the whole province (the light rules' loaders); pages pass the user's Scope,
applied in SQL on the process's region and buyer department. Money columns are read as text
and cast to Decimal(14, 2) in polars, so no float ever touches an amount (SQLite keeps NUMERIC
as REAL; its text form has the 15 significant digits a Numeric(14, 2) needs)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import String, cast, select
from sqlalchemy.sql import Select

from metrics.trading import schemas as S
from models.org import Department
from models.trading import (
    TradeAmendment,
    TradeAward,
    TradeBid,
    TradeContract,
    TradeItem,
    TradeParty,
    TradeProcess,
)
from services.lights.inputs import Bind
from services.platform.frames import read_frame
from services.platform.scope import Scope


def _read(bind: Bind, stmt: Select, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    text_schema = {k: (pl.String() if v == S.MONEY else v) for k, v in schema.items()}
    frame = read_frame(bind, stmt, text_schema)
    money = [k for k, v in schema.items() if v == S.MONEY]
    return frame.with_columns(pl.col(k).cast(S.MONEY) for k in money) if money else frame


def _m(col):  # noqa: ANN001, ANN202
    return cast(col, String)


def _scoped(stmt: Select, scope: Scope | None) -> Select:
    if scope is None:
        return stmt
    return stmt.where(scope.where(TradeProcess.region_code, TradeProcess.department_id))


def _columns(schema: dict[str, pl.DataType], cols: Sequence, keep: Sequence[str] | None
             ) -> tuple[list, dict[str, pl.DataType]]:
    """The select's columns (in `schema`'s order) and the schema, cut to `keep` (the light
    rules' loaders read only what the rules use: fewer Python values per row on SQLite)."""
    pairs = [(c, k) for c, k in zip(cols, schema, strict=True) if keep is None or k in keep]
    return [c for c, _ in pairs], {k: schema[k] for _, k in pairs}


def _process_ids(stmt: Select, ocids: Sequence[str] | None, where: Sequence = ()) -> Select:
    """`stmt` cut to the processes `ocids` names and `where` (conditions on TradeProcess,
    services.trading.ocds_export.RegisterFilter.conditions) selects."""
    stmt = stmt.where(*where) if where else stmt
    return stmt.where(TradeProcess.ocid.in_(list(ocids))) if ocids is not None else stmt


def processes(bind: Bind, scope: Scope | None, ocids: Sequence[str] | None = None, *,
              keep: Sequence[str] | None = None, where: Sequence = ()) -> pl.DataFrame:
    p = TradeProcess
    cols, schema = _columns(S.PROCESSES, (
        p.id, p.ocid, p.domain, p.title, p.department_id, Department.code, Department.name,
        p.region_code, p.agency_uscc, p.agency_name, p.method, p.method_details,
        p.award_criteria, p.main_category, _m(p.budget), _m(p.max_price), p.currency,
        p.tender_start, p.tender_end, p.status, p.retender_of, p.published_at), keep)
    stmt = select(*cols).join(Department, Department.id == p.department_id).order_by(p.id)
    return _read(bind, _process_ids(_scoped(stmt, scope), ocids, where), schema)


def bids(bind: Bind, scope: Scope | None, ocids: Sequence[str] | None = None, *,
         keep: Sequence[str] | None = None, where: Sequence = ()) -> pl.DataFrame:
    b = TradeBid
    cols, schema = _columns(S.BIDS, (
        b.process_id, b.bid_no, b.tenderer_uscc, _m(b.amount), b.received_at, b.status,
        b.bond_account, b.bond_payer, _m(b.bond_amount), b.agent_name, b.project_manager), keep)
    stmt = (select(*cols).join(TradeProcess, TradeProcess.id == b.process_id)
            .order_by(b.process_id, b.id))
    return _read(bind, _process_ids(_scoped(stmt, scope), ocids, where), schema)


def awards(bind: Bind, scope: Scope | None, ocids: Sequence[str] | None = None, *,
           where: Sequence = (), keep: Sequence[str] | None = None) -> pl.DataFrame:
    a = TradeAward
    cols, schema = _columns(S.AWARDS, (a.process_id, a.award_no, a.supplier_uscc, _m(a.amount),
                                       a.award_date, a.status), keep)
    stmt = (select(*cols).join(TradeProcess, TradeProcess.id == a.process_id)
            .order_by(a.process_id, a.id))
    return _read(bind, _process_ids(_scoped(stmt, scope), ocids, where), schema)


def contracts(bind: Bind, scope: Scope | None, ocids: Sequence[str] | None = None, *,
              where: Sequence = ()) -> pl.DataFrame:
    c = TradeContract
    stmt = (select(c.id, c.process_id, c.contract_no, c.award_no, c.supplier_uscc,
                   _m(c.amount), c.date_signed, c.status)
            .join(TradeProcess, TradeProcess.id == c.process_id).order_by(c.process_id, c.id))
    return _read(bind, _process_ids(_scoped(stmt, scope), ocids, where), S.CONTRACTS)


def amendments(bind: Bind, scope: Scope | None, ocids: Sequence[str] | None = None, *,
               where: Sequence = ()) -> pl.DataFrame:
    m = TradeAmendment
    stmt = (select(m.contract_id, m.amendment_no, m.amended_at, _m(m.amount_after), m.rationale)
            .join(TradeContract, TradeContract.id == m.contract_id)
            .join(TradeProcess, TradeProcess.id == TradeContract.process_id)
            .order_by(m.contract_id, m.amended_at, m.id))
    return _read(bind, _process_ids(_scoped(stmt, scope), ocids, where), S.AMENDMENTS)


def items(bind: Bind, scope: Scope | None, ocids: Sequence[str] | None = None, *,
          where: Sequence = ()) -> pl.DataFrame:
    i = TradeItem
    stmt = (select(i.process_id, i.item_no, i.description, i.classification_scheme,
                   i.classification_id, _m(i.quantity), i.unit)
            .join(TradeProcess, TradeProcess.id == i.process_id).order_by(i.process_id, i.id))
    return _read(bind, _process_ids(_scoped(stmt, scope), ocids, where), S.ITEMS)


def parties(bind: Bind, usccs: Sequence[str] | None = None) -> pl.DataFrame:
    """Parties are not scoped: a company is public register data; pages show only what a
    role may see (the public never gets legal representative or telephone)."""
    t = TradeParty
    stmt = select(t.uscc, t.name, t.legal_representative, t.address, t.telephone,
                  t.controller_uscc, t.region_code).order_by(t.uscc)
    if usccs is not None:
        stmt = stmt.where(t.uscc.in_(list(usccs)))
    return _read(bind, stmt, S.PARTIES)

"""Scoped reads of the trading register into polars frames (metrics.trading.schemas).

`scope=None` reads the whole province (the light rules' loaders); pages pass the user's Scope,
applied in SQL on the process's region and buyer department. Money columns are read as text
and cast to Decimal(14, 2) in polars, so no float ever touches an amount (SQLite keeps NUMERIC
as REAL; its text form has the 15 significant digits a Numeric(14, 2) needs)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
from sqlalchemy import String, cast, func, select
from sqlalchemy.sql import Select

from metrics.trading import schemas as S
from metrics.trading.rules_law import SUBMITTED, china_date
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
from services.platform.sql_dates import china_day


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


# The public disclosure (交易信息公开, no login), a page at a time: announcements, awards and
# contracts of the whole province, newest day first; bid opening records only of a process
# with an active award (开标记录 after 定标); never a person's name, telephone or account.
# metrics.trading.views.public_tables is the same in polars over the whole register
# (tests/unit/test_trading_cockpit_figures.py checks every page against it).
PUBLIC: dict[str, dict[str, pl.DataType]] = {
    "notices": {"ocid": pl.String(), "title": pl.String(), "domain": pl.String(),
                "method_details": pl.String(), "department_name": pl.String(),
                "agency_name": pl.String(), "budget": S.MONEY, "max_price": S.MONEY,
                "start_on": S.UTC, "end_on": S.UTC, "status": pl.String()},
    "awards": {"ocid": pl.String(), "title": pl.String(), "supplier": pl.String(),
               "supplier_uscc": pl.String(), "amount": S.MONEY, "award_on": S.UTC},
    "contracts": {"ocid": pl.String(), "title": pl.String(), "contract_no": pl.String(),
                  "supplier": pl.String(), "amount": S.MONEY, "signed_on": S.UTC},
    "bids": {"ocid": pl.String(), "tenderer": pl.String(), "amount": S.MONEY, "status": pl.String()},
}
PUBLIC_DATES = ("start_on", "end_on", "award_on", "signed_on")  # read as UTC, shown as China days


def _newest_first(ts):  # noqa: ANN001, ANN202
    return china_day(ts).desc().nulls_first()  # the day shown; within a day, by id


def _public_stmt(table: str, where: Sequence) -> Select:
    p, party = TradeProcess, TradeParty
    if table == "notices":
        stmt = (select(p.ocid, p.title, p.domain, p.method_details, Department.name, p.agency_name,
                       _m(p.budget), _m(p.max_price), p.tender_start, p.tender_end, p.status)
                .join(Department, Department.id == p.department_id)
                .order_by(_newest_first(p.tender_start), p.id))
    elif table == "awards":
        a = TradeAward
        stmt = (select(p.ocid, p.title, party.name, a.supplier_uscc, _m(a.amount), a.award_date)
                .join(p, p.id == a.process_id).outerjoin(party, party.uscc == a.supplier_uscc)
                .where(a.status == "active").order_by(_newest_first(a.award_date), a.id))
    elif table == "contracts":
        c = TradeContract
        stmt = (select(p.ocid, p.title, c.contract_no, party.name, _m(c.amount), c.date_signed)
                .join(p, p.id == c.process_id).outerjoin(party, party.uscc == c.supplier_uscc)
                .where(c.status.in_(("active", "terminated")))
                .order_by(_newest_first(c.date_signed), c.id))
    elif table == "bids":
        b = TradeBid
        awarded = select(TradeAward.process_id).where(TradeAward.status == "active")
        stmt = (select(p.ocid, party.name, _m(b.amount), b.status)
                .join(p, p.id == b.process_id).outerjoin(party, party.uscc == b.tenderer_uscc)
                .where(b.process_id.in_(awarded), b.status.in_(SUBMITTED))
                .order_by(b.process_id, b.id))
    else:
        raise KeyError(f"no public table {table!r}")
    return stmt.where(*where)


def public_count(bind: Bind, table: str, *, where: Sequence = ()) -> int:
    """Rows of the public `table` ("notices", "awards", "contracts", "bids") of the processes
    `where` selects (services.trading.ocds_export.RegisterFilter.conditions)."""
    inner = _public_stmt(table, where).order_by(None).subquery()
    frame = read_frame(bind, select(func.count()).select_from(inner), {"n": pl.Int64()})
    return int(frame["n"][0])


def public_page(bind: Bind, table: str, *, offset: int, limit: int, where: Sequence = ()) -> pl.DataFrame:
    """Rows offset … offset + limit of the public `table`, in its order (newest day first)."""
    stmt = _public_stmt(table, where).offset(offset).limit(limit)
    return _read(bind, stmt, PUBLIC[table]).with_columns(
        china_date(c) for c in PUBLIC_DATES if c in PUBLIC[table])

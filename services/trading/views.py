"""What the S2 pages read, scoped in SQL to the caller: the register, one process, one party,
the red-flag dashboard and the public disclosure. Frames in, frames out (metrics.trading)."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl
from sqlalchemy import String, cast, func, select
from sqlmodel import Session

from core.statuses import LIGHT_OPEN
from metrics.trading import views as mv
from models.esupervision import FundPayment, SpecialFund
from models.lights import Alert
from models.org import Department, Region
from models.trading import TradeParty
from services.platform.frames import read_frame
from services.platform.scope import Scope
from services.trading import read
from services.trading.ocds_export import RegisterFilter, register_frames

ALERTS_SCHEMA = {"alert_id": pl.Int64(), "rule_id": pl.String(), "level": pl.String(),
                 "subject_type": pl.String(), "subject_id": pl.String(), "status": pl.String(),
                 "facts": pl.String(), "department_id": pl.Int64()}
PAYMENTS_SCHEMA = {"fund_code": pl.String(), "fund_name": pl.String(), "department": pl.String(),
                   "amount": pl.String(), "paid_on": pl.Date(), "voucher": pl.String()}


def alerts(*, session: Session, scope: Scope, subject_ids: list[str] | None = None,
           open_only: bool = True) -> pl.DataFrame:
    a = Alert
    stmt = (select(a.id, a.rule_id, a.level, a.subject_type, a.subject_id, a.status, a.facts,
                   a.department_id)
            .where(a.system == "S2", scope.where(a.region_code, a.department_id))
            .order_by(a.level, a.rule_id, a.subject_id))
    if open_only:
        stmt = stmt.where(a.status.in_(LIGHT_OPEN))
    if subject_ids is not None:
        stmt = stmt.where(a.subject_id.in_(subject_ids or [""]))
    return read_frame(session.connection(), stmt, ALERTS_SCHEMA)


def register(*, session: Session, scope: Scope, flt: RegisterFilter) -> pl.DataFrame:
    frames = register_frames(session=session, scope=scope, flt=flt)
    return mv.register_table(frames, alerts(session=session, scope=scope))


def register_order(*, session: Session, scope: Scope, flt: RegisterFilter) -> pl.DataFrame:
    """ocid, red, yellow of the processes `flt` selects, newest first, from lean reads: the
    register page pages through it and builds the full rows of one page only."""
    procs = flt.apply(read.processes(session.connection(), scope, list(flt.ocids) or None,
                                     where=flt.conditions(), keep=(*flt.columns(), "tender_start")))
    return mv.register_order(procs, alerts(session=session, scope=scope))


def cockpit_figures(*, session: Session, scope: Scope, flt: RegisterFilter) -> dict:
    """The cockpit's S2 card for the processes `flt` selects, from lean reads (the processes'
    ids, their awards, the open lights) rather than the register with every bid and party."""
    bind = session.connection()
    procs = flt.apply(read.processes(bind, scope, list(flt.ocids) or None, where=flt.conditions(),
                                     keep=flt.columns()))
    awards = read.awards(bind, scope, where=flt.conditions(),
                         keep=("process_id", "award_no", "supplier_uscc", "amount", "status"))
    return mv.cockpit_figures(procs, awards, alerts(session=session, scope=scope))


def filter_options(*, session: Session, scope: Scope) -> dict[str, list[tuple]]:
    p = read.processes(session.connection(), scope).select("department_id", "department_name",
                                                           "region_code").unique()
    names = dict(session.execute(select(Region.code, Region.name)).all())
    return {"buyers": sorted({(r["department_id"], r["department_name"]) for r in p.iter_rows(named=True)},
                             key=lambda x: x[1]),
            "regions": sorted({(c, names.get(c, c)) for c in p["region_code"].unique()})}


@dataclass(frozen=True)
class ProcessView:
    process: dict
    frames: dict[str, pl.DataFrame]
    alerts: pl.DataFrame


def process(*, session: Session, scope: Scope, ocid: str) -> ProcessView | None:
    frames = register_frames(session=session, scope=scope, flt=RegisterFilter(ocids=(ocid,)))
    if frames["tr_processes"].height == 0:
        return None
    tenderers = frames["tr_bids"]["tenderer_uscc"].unique().to_list()
    flags = alerts(session=session, scope=scope, subject_ids=[ocid, *tenderers])
    return ProcessView(frames["tr_processes"].row(0, named=True), frames, flags)


@dataclass(frozen=True)
class PartyView:
    party: dict | None
    bids: pl.DataFrame        # the party's bids with their process (in scope)
    contracts: pl.DataFrame
    payments: pl.DataFrame    # S4 special-fund payments received (in scope)
    alerts: pl.DataFrame
    edges: pl.DataFrame       # co-bidders: other, processes together


def party(*, session: Session, scope: Scope, uscc: str) -> PartyView:
    bind = session.connection()
    row = session.execute(select(TradeParty).where(TradeParty.uscc == uscc)).scalar_one_or_none()
    procs = read.processes(bind, scope)
    bids = read.bids(bind, scope)
    mine = bids.filter(pl.col("tenderer_uscc") == uscc).select("process_id").unique()
    together = bids.join(mine, on="process_id", how="semi")
    awards = read.awards(bind, scope).join(mine, on="process_id", how="semi")
    contracts = read.contracts(bind, scope).filter(pl.col("supplier_uscc") == uscc)
    names = read.parties(bind, together["tenderer_uscc"].unique().to_list())
    table = mv.party_bids(procs, together, awards, uscc)
    ocids = table["ocid"].to_list()
    return PartyView(
        party=row.model_dump() if row else None, bids=table,
        contracts=contracts.join(procs.select("process_id", "ocid", "title"), on="process_id"),
        payments=_payments(session, scope, uscc),
        alerts=alerts(session=session, scope=scope, subject_ids=[uscc, *ocids]),
        edges=mv.co_bidders(together, names, uscc))


def _payments(session: Session, scope: Scope, uscc: str) -> pl.DataFrame:
    f, p = SpecialFund, FundPayment
    stmt = (select(f.code, f.name, Department.name, cast(p.amount, String), p.paid_on, p.voucher)
            .join(f, f.id == p.fund_id).join(Department, Department.id == f.department_id)
            .where(p.recipient_uscc == uscc, scope.where(f.region_code, f.department_id))
            .order_by(p.paid_on))
    return read_frame(session.connection(), stmt, PAYMENTS_SCHEMA)


def dashboard(*, session: Session, scope: Scope, flt: RegisterFilter) -> dict[str, pl.DataFrame]:
    frames = register_frames(session=session, scope=scope, flt=flt)
    flags = alerts(session=session, scope=scope)
    return {"by_rule": mv.flags_by_rule_domain(frames["tr_processes"], flags),
            "by_buyer": mv.flag_rate(frames["tr_processes"], flags, "department_name"),
            "by_agency": mv.flag_rate(frames["tr_processes"].filter(pl.col("agency_name").is_not_null()),
                                      flags, "agency_name"),
            "fences": mv.fence_distributions(frames),
            # the processes with a light, as the register lists them (the frames are read)
            "flagged": mv.register_table(frames, flags).filter((pl.col("red") + pl.col("yellow")) > 0)}


def public_count(*, session: Session, table: str, domain: str | None = None) -> int:
    """Rows of the public disclosure's `table` (services.trading.read.PUBLIC) of a domain."""
    return read.public_count(session.connection(), table, where=RegisterFilter(domain=domain).conditions())


def public_page(*, session: Session, table: str, domain: str | None, offset: int,
                limit: int) -> pl.DataFrame:
    """One page of the public disclosure's `table`, counted and cut in SQL."""
    return read.public_page(session.connection(), table, offset=offset, limit=limit,
                            where=RegisterFilter(domain=domain).conditions())


def data_stamp(*, session: Session) -> tuple:
    """Changes whenever the register or its lights change (cache key of the pages)."""
    from models.trading import TradeBid, TradeProcess
    return (*session.execute(select(func.count(), func.max(TradeProcess.id))).one(),
            *session.execute(select(func.count(), func.max(TradeBid.id))).one(),
            *session.execute(select(func.count(), func.max(Alert.updated_at))
                             .where(Alert.system == "S2")).one())

"""S4 fund frames read on a `Bind` (see services.esupervision.frames): special funds and their
payments into polars, scoped in SQL, money as exact decimals."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select

from metrics.esupervision.rules import FUNDS_SCHEMA, PAYMENTS_SCHEMA
from models.esupervision import FundPayment, SpecialFund
from services.esupervision.frames import scoped
from services.lights.inputs import Bind
from services.platform.frames import read_frame
from services.platform.scope import Scope


def read_funds(bind: Bind, scope: Scope | None, *, year: int | None = None) -> pl.DataFrame:
    f = SpecialFund
    stmt = scoped(select(f.id, f.code, f.name, f.department_id, f.region_code, f.year, f.budget,
                          f.allocated_on, f.approval_threshold), scope, f.region_code, f.department_id)
    if year is not None:
        stmt = stmt.where(f.year == year)
    return read_frame(bind, stmt, FUNDS_SCHEMA)


def read_payments(bind: Bind, scope: Scope | None, *, fund_ids: list[int] | None = None) -> pl.DataFrame:
    p, f = FundPayment, SpecialFund
    stmt = (select(p.id, p.fund_id, f.code, f.department_id, f.region_code, p.recipient_name,
                   p.recipient_uscc, p.amount, p.paid_on, p.voucher, f.approval_threshold)
            .join(f, f.id == p.fund_id))
    stmt = scoped(stmt, scope, f.region_code, f.department_id)
    if fund_ids is not None:
        stmt = stmt.where(p.fund_id.in_(fund_ids))
    return read_frame(bind, stmt, PAYMENTS_SCHEMA)

"""Write one compiled release's rows: upsert by natural key, drop children the release no
longer has, and tell whether anything changed ("new", "changed", "unchanged")."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from core.errors import AppError
from models.trading import (
    TradeAmendment,
    TradeAward,
    TradeBid,
    TradeContract,
    TradeItem,
    TradeParty,
    TradeProcess,
)


def _set(row: SQLModel, values: dict[str, Any]) -> bool:
    changed = False
    for k, v in values.items():
        if getattr(row, k) != v:
            setattr(row, k, v)
            changed = True
    return changed


def _children(session: Session, model, parent_col: str, parent_id: int, key: str,  # noqa: ANN001
              wanted: list[dict]) -> tuple[bool, dict[str, Any]]:
    existing = {getattr(r, key): r for r in session.execute(
        select(model).where(getattr(model, parent_col) == parent_id)).scalars()}
    changed = False
    rows = {}
    for values in wanted:
        row = existing.pop(values[key], None)
        if row is None:
            row = model(**{parent_col: parent_id, **values})
            session.add(row)
            changed = True
        else:
            changed |= _set(row, values)
        rows[values[key]] = row
    for row in existing.values():
        session.delete(row)
        changed = True
    return changed, rows


def _party(session: Session, p: dict) -> bool:
    row = session.execute(select(TradeParty).where(TradeParty.uscc == p["uscc"])).scalar_one_or_none()
    values = {k: v for k, v in p.items() if v is not None}
    if row is None:
        session.add(TradeParty(**{"legal_representative": "", "address": "", "telephone": ""} | values))
        return True
    return _set(row, values)


def apply_release(session: Session, process: dict, parties: list[dict], items: list[dict],
                  bids: list[dict], awards: list[dict], contracts: list[dict]) -> str:
    changed = False
    for p in parties:
        changed |= _party(session, p)
    session.flush()
    row = session.execute(select(TradeProcess).where(TradeProcess.ocid == process["ocid"])
                          ).scalar_one_or_none()
    new = row is None
    if new:
        row = TradeProcess(**process)
        session.add(row)
        session.flush()
    else:
        changed |= _set(row, process)
    pid = row.id
    for model, key, wanted in ((TradeItem, "item_no", items), (TradeBid, "bid_no", bids),
                               (TradeAward, "award_no", awards)):
        c, _ = _children(session, model, "process_id", pid, key, wanted)
        changed |= c
    plain = [{k: v for k, v in c.items() if k != "amendments"} for c in contracts]
    c, rows = _children(session, TradeContract, "process_id", pid, "contract_no", plain)
    changed |= c
    session.flush()
    for contract in contracts:
        for m in contract["amendments"]:
            if m["amount_after"] is None or m["amended_at"] is None:
                raise AppError("trading.ocds.err_amendment", ocid=process["ocid"],
                               value=m["amendment_no"])
        c, _ = _children(session, TradeAmendment, "contract_id", rows[contract["contract_no"]].id,
                         "amendment_no", contract["amendments"])
        changed |= c
    session.flush()
    return "new" if new else ("changed" if changed else "unchanged")

"""The writer of the `feedback_tickets` upload kind: each checked row becomes a ticket through
`create_ticket`, exactly as if an operator had typed it in (a platform number, the contact
hashed, encrypted and masked, repeat detection, the 受理 event and its audit record), inside
the upload's one transaction, so a failure leaves none of the file's tickets."""

from __future__ import annotations

import polars as pl
from sqlmodel import Session

from models.feedback import TicketCreate
from services.feedback.tickets import create_ticket
from services.platform.scope import Scope


def write_tickets(*, session: Session, rows: pl.DataFrame, actor: str, scope: Scope) -> None:
    """Register the file's new tickets; rows already registered never reach here (the
    pipeline reports them unchanged, and refuses edits to them)."""
    for row in rows.filter(pl.col("__status") == "new").iter_rows(named=True):
        create_ticket(session=session, actor=actor, scope=scope, now=row["received_at"],
                      data=TicketCreate(
                          channel=row["channel"], source_no=row["source_no"],
                          category_code=row["category_code"], region_code=row["region_code"],
                          address=row["address"] or "", content=row["content"],
                          contact=row["contact"] or "", urgency=row["urgency"],
                          received_at=row["received_at"], published=row["published"]))

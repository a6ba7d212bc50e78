"""Repeat detection at intake and 并单 candidates for the operator.

A new ticket repeats an earlier one when, within the window (30 days by default), it has the
same contact (keyed hash) or the same normalised address and category; the content's
similarity (metrics.feedback.similarity) ranks the candidates shown to the operator."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from sqlalchemy import or_, select
from sqlmodel import Session

from metrics.feedback.flow import TERMINAL
from metrics.feedback.similarity import similarity_scores
from models.feedback import Ticket
from services.platform.scope import Scope


def _same_matter(ticket: Ticket, window_days: int):  # noqa: ANN202
    t = Ticket
    same = []
    if ticket.contact_hash:
        same.append(t.contact_hash == ticket.contact_hash)
    if ticket.address_norm:
        same.append((t.address_norm == ticket.address_norm) & (t.category_code == ticket.category_code))
    if not same:
        return None
    since = ticket.received_at - timedelta(days=window_days)
    return (or_(*same) & (t.received_at >= since) & (t.received_at <= ticket.received_at)
            & (t.id != (ticket.id or 0)))


def find_repeat_of(session: Session, ticket: Ticket, *, window_days: int = 30) -> int | None:
    """The earliest earlier ticket about the same matter within the window, or None."""
    cond = _same_matter(ticket, window_days)
    if cond is None:
        return None
    t = Ticket
    return session.execute(select(t.id).where(cond).order_by(t.received_at, t.id).limit(1)).scalar()


def merge_candidates(*, session: Session, scope: Scope, ticket_id: int, window_days: int = 30,
                     min_similarity: float = 60.0, limit: int = 10) -> pl.DataFrame:
    """Open tickets the operator may merge this one into: same contact, same address and
    category, or content at least `min_similarity` (0–100) alike, in the same region and
    window; most similar first, with the reason and the similarity."""
    t = Ticket
    me = session.execute(select(t).where(t.id == ticket_id, scope.where(t.region_code, t.department_id))).scalar_one_or_none()
    schema = {"id": pl.Int64, "ticket_no": pl.String, "status": pl.String,
              "same_contact": pl.Boolean, "same_address": pl.Boolean, "similarity": pl.Float64}
    if me is None:
        return pl.DataFrame(schema=schema)
    since = me.received_at - timedelta(days=window_days)
    rows = session.execute(
        select(t.id, t.ticket_no, t.status, t.contact_hash, t.address_norm, t.category_code, t.content)
        .where(t.id != me.id, t.received_at >= since, t.received_at <= me.received_at + timedelta(days=window_days),
               t.status.not_in(TERMINAL), t.merged_into_id.is_(None),
               t.region_code == me.region_code, scope.where(t.region_code, t.department_id))
        .order_by(t.received_at.desc()).limit(500)).all()
    if not rows:
        return pl.DataFrame(schema=schema)
    frame = pl.DataFrame([tuple(r) for r in rows], orient="row", schema={
        "id": pl.Int64, "ticket_no": pl.String, "status": pl.String, "contact_hash": pl.String,
        "address_norm": pl.String, "category_code": pl.String, "content": pl.String})
    scores = similarity_scores(me.content, frame["content"].to_list())
    out = frame.with_columns(
        (pl.col("contact_hash").is_not_null() & (pl.col("contact_hash") == pl.lit(me.contact_hash))).fill_null(False).alias("same_contact"),
        ((pl.col("address_norm") != "") & (pl.col("address_norm") == pl.lit(me.address_norm))
         & (pl.col("category_code") == pl.lit(me.category_code))).alias("same_address"),
        pl.Series("similarity", scores, dtype=pl.Float64))
    return (out.filter(pl.col("same_contact") | pl.col("same_address")
                       | (pl.col("similarity") >= min_similarity))
            .sort(["same_contact", "same_address", "similarity"], descending=True)
            .head(limit).select(list(schema)))

"""Pieces of the public pages: the per-process rate limits of the public form (by client
address and by browser session) and the public timeline."""

from __future__ import annotations

import uuid

import polars as pl
import streamlit as st

from services.feedback.public import RateLimiter
from ui.feedback.view import action_label, satisfaction_label
from ui.platform.formatting import local_time
from ui.platform.i18n import t

SESSION_LIMIT = (3, 600.0)    # submissions per browser session per 10 minutes
ADDRESS_LIMIT = (10, 3600.0)  # per client address per hour (a shared office still gets through)


@st.cache_resource
def _limiters() -> tuple[RateLimiter, RateLimiter]:
    return RateLimiter(*SESSION_LIMIT), RateLimiter(*ADDRESS_LIMIT)


def allow_submission() -> bool:
    """Count one submission; False (and a message) when the session or the address is over."""
    per_session, per_address = _limiters()
    sid = st.session_state.setdefault("fb_public_sid", uuid.uuid4().hex)
    address = getattr(st.context, "ip_address", None) or "unknown"
    if not per_session.allow(f"s:{sid}"):
        st.error(t("feedback.err.rate_limited", minutes=per_session.retry_minutes()))
        return False
    if not per_address.allow(f"a:{address}"):
        st.error(t("feedback.err.rate_limited", minutes=per_address.retry_minutes()))
        return False
    return True


def public_timeline(view: dict) -> pl.DataFrame:
    rows = view["timeline"]
    return pl.DataFrame({
        t("feedback.col.at"): [local_time(r["at"]) for r in rows],
        t("feedback.col.action"): [action_label(r["action"]) for r in rows],
        t("feedback.col.note"): [satisfaction_label(r["note"]) if r["action"] == "evaluate" else r["note"]
                                 for r in rows],
    }, schema={t("feedback.col.at"): pl.String, t("feedback.col.action"): pl.String,
               t("feedback.col.note"): pl.String})


def stats_table(frame: pl.DataFrame, key: str, label: str, names: dict[str, str] | None = None) -> pl.DataFrame:
    """Published statistics by `key` (month, category, city) as a table headed in Chinese,
    rates in %; `names` names the keys (categories), an unknown key shown as itself."""
    group = pl.col(key) if names is None else pl.col(key).replace_strict(names, default=pl.col(key))
    return frame.select(group.alias(label),
                        pl.col("received").alias(t("feedback.col.received_count")),
                        (pl.col("on_time_rate") * 100).round(1).alias(t("feedback.col.on_time_rate") + " %"),
                        (pl.col("satisfaction_rate") * 100).round(1).alias(t("feedback.col.satisfaction_rate") + " %"))

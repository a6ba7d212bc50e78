"""S5's score metrics for S3 read the same figures as the dashboard, per department."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from core.manifest import resolve
from models.feedback import Ticket
from services.feedback.contact import contact_hash
from services.feedback.planted import PLANTED
from services.feedback.scores import SCORE_METRICS


def test_scores_per_department_with_numerator_and_denominator(seeded):
    today = china_today()
    start, end = today - timedelta(days=90), today
    by_key = {m.key: m for m in SCORE_METRICS}
    assert set(by_key) == {"feedback.on_time_rate", "feedback.satisfaction_rate", "feedback.repeat_rate"}
    with Session(seeded) as s:
        sat = resolve(by_key["feedback.satisfaction_rate"].compute)(session=s, start=start, end=end)
        on_time = resolve(by_key["feedback.on_time_rate"].compute)(session=s, start=start, end=end)
        dept = s.execute(select(Ticket.department_id).where(
            Ticket.contact_hash == contact_hash(PLANTED["FB-R1"]))).scalar_one()
        records = resolve(by_key["feedback.on_time_rate"].records)(session=s, department_id=dept,
                                                                    start=start, end=end)
    assert sat.schema == {"department_id": pl.Int64, "value": pl.Float64, "numerator": pl.Float64,
                          "denominator": pl.Float64}
    # the planted province health department: 6 of 12 evaluations satisfied (FB-Y4)
    y4 = sat.filter((pl.col("denominator") == 12) & (pl.col("numerator") == 6))
    assert y4.height >= 1 and y4["value"][0] == 0.5
    row = on_time.filter(pl.col("department_id") == dept).row(0, named=True)
    due = records.filter(pl.col("reply_due").is_not_null()
                         & (pl.col("replied_on").is_not_null() | (pl.col("reply_due") < today))
                         & (pl.col("status") != "merged"))
    kept = due.filter(pl.col("replied_on") <= pl.col("reply_due"))
    assert (row["numerator"], row["denominator"]) == (kept.height, due.height)
    assert records["link"][0].startswith("feedback_ticket?no=S5")

"""The analysis page counts its category mix and most unsettled matters in the database: the
same tables as the polars functions over the tickets read whole, for the province and a
county, over the page's year and a short window."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from metrics.feedback.kpis import category_mix, mix_order, top_matters, top_unresolved
from models.org import Region
from services.feedback import summary_sql
from services.feedback.read import ticket_frame
from services.platform.scope import ALL, Scope


def test_category_mix_and_top_matters_in_sql_equal_the_polars_ones(seeded):
    today = china_today()
    with Session(seeded) as s:
        county = s.execute(select(Region.code).where(Region.level == "county").order_by(Region.code)).scalars().first()
    tops = 0
    with seeded.connect() as conn:
        for scope in (ALL, Scope(region_codes=frozenset({county}))):
            for days in (365, 30):
                window = {"since": today - timedelta(days=days), "until": today}
                frame = ticket_frame(conn, scope, **window)
                assert mix_order(summary_sql.category_counts(conn, scope, **window)).equals(category_mix(frame))
                groups, first = summary_sql.unsettled_matters(conn, scope, **window)
                top = top_matters(groups, first)
                assert top.equals(top_unresolved(frame)), (scope, days)
                tops += top.height
    assert tops > 0  # the demo has unsettled matters to rank

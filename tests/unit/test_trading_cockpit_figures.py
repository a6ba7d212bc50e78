"""The cockpit's S2 card and the register page's index read lean (process ids, awards,
lights), not the register: their figures must be the register table's, for the whole province and for a narrow filter, and a
filter pushed into SQL must select exactly what the same filter selects in polars."""

from __future__ import annotations

from datetime import timedelta

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from models.org import Region
from services.platform.scope import ALL, Scope
from services.trading import views
from services.trading.ocds_export import RegisterFilter


def _from_register(table: pl.DataFrame) -> dict:
    red = int((table["red"] > 0).sum())
    return {"processes": table.height, "amount": table["award_amount"].drop_nulls().sum(),
            "red": red, "red_lights": int(table["red"].sum()), "yellow_lights": int(table["yellow"].sum()),
            "rate": red / table.height if table.height else None}


def test_cockpit_figures_are_the_register_tables(seeded):
    today = china_today()
    with Session(seeded) as s:
        city = s.execute(select(Region.code).where(Region.level == "city").order_by(Region.code)).scalars().first()
        counties = s.execute(select(Region.code).where(Region.level == "county")).scalars().all()
        for scope in (ALL, Scope(region_codes=frozenset(counties[:3]))):
            for flt in (RegisterFilter(start=today.replace(month=1, day=1), end=today),
                        RegisterFilter(start=today - timedelta(days=90), end=today - timedelta(days=30)),
                        RegisterFilter(region=city, domain="construction"), RegisterFilter()):
                register = views.register(session=s, scope=scope, flt=flt)
                figures = views.cockpit_figures(session=s, scope=scope, flt=flt)
                assert figures == _from_register(register), (scope, flt)
                # the register page's lean index: the register's processes, order and lights
                order = views.register_order(session=s, scope=scope, flt=flt)
                assert order.equals(register.select("ocid", "red", "yellow")), (scope, flt)
        whole = views.register(session=s, scope=ALL, flt=RegisterFilter())
        assert whole.height > 0 and int(whole["red"].sum()) > 0  # the demo has lights to count


def test_a_filter_in_sql_selects_what_it_selects_in_polars(seeded):
    """RegisterFilter.conditions (SQL, on UTC timestamps) and RegisterFilter.apply (polars, on
    China dates) agree at the day boundaries: the register of a window read through both is
    the whole register cut by `apply` alone."""
    with Session(seeded) as s:
        whole = views.register(session=s, scope=ALL, flt=RegisterFilter())
        days = whole["start_on"].drop_nulls().unique().sort().to_list()
        # windows whose ends are days processes started on: both ends are inclusive
        for start, end in ((days[0], days[0]), (days[1], days[len(days) // 2]), (days[-2], days[-1])):
            got = views.register(session=s, scope=ALL, flt=RegisterFilter(start=start, end=end))
            expect = whole.filter(pl.col("start_on").is_between(start, end))
            assert got.height > 0
            assert got["ocid"].sort().to_list() == expect["ocid"].sort().to_list(), (start, end)


def test_the_public_disclosure_pages_in_sql_are_the_whole_registers_tables(seeded):
    """The public page counts and cuts its four tables in SQL: page after page they must be
    the tables metrics.trading.views.public_tables makes of the whole register, for the
    province and for one domain, newest day first (ties by id: the polars joins keep no
    order, so the rows are compared as sets and the order by day)."""
    from polars.testing import assert_frame_equal

    from metrics.trading.views import public_tables
    from services.trading.ocds_export import register_frames

    day = {"notices": "start_on", "awards": "award_on", "contracts": "signed_on"}
    with Session(seeded) as s:
        for domain in (None, "works"):
            whole = public_tables(register_frames(session=s, scope=ALL, flt=RegisterFilter(domain=domain)))
            for name, expected in whole.items():
                total = views.public_count(session=s, table=name, domain=domain)
                assert total == expected.height > 10, (name, domain)
                pages = [views.public_page(session=s, table=name, domain=domain, offset=o, limit=37)
                         for o in range(0, total, 37)]
                assert [p.height for p in pages[:-1]] == [37] * (len(pages) - 1)
                got = pl.concat(pages)
                assert_frame_equal(got.sort(pl.all(), nulls_last=True), expected.sort(pl.all(), nulls_last=True),
                                   check_exact=True)
                if name in day:  # newest day first, a day without a date before them all
                    days = got[day[name]]
                    assert days.is_null().arg_true().to_list() == list(range(days.null_count()))
                    assert days.drop_nulls().is_sorted(descending=True), (name, domain)

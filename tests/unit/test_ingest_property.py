"""Property tests: whatever bytes or cells arrive, the pipeline answers and writes no row."""

import io

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from sqlmodel import Session

from data_checks.kinds import get_kind
from models.db import session_scope
from models.org import Department
from services.platform import ingest
from services.platform.scope import ALL

SETTINGS = settings(max_examples=40, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.function_scoped_fixture,
                                           HealthCheck.too_slow])
HEADERS = [c.zh for c in get_kind("departments").columns]
cells = st.one_of(st.none(), st.text(max_size=12),
                  st.sampled_from(["210102", "210102901", "是", "否", "其他", "=1+1", "@x", "-1",
                                   "+86", "\u0000", "😀", "２１０１０２", " "]))


@pytest.fixture
def org(engine):
    from services.platform.seed import seed_org

    with session_scope(engine) as s:
        seed_org(s, scale="small")
    return engine


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def departments(engine) -> int:
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(Department)).scalar_one()


@SETTINGS
@given(content=st.binary(max_size=600), ext=st.sampled_from([".csv", ".xlsx", ".txt"]))
def test_random_bytes_never_crash_nor_write(org, content, ext):
    before = departments(org)
    result = act(org, ingest.prepare, "departments", f"f{ext}", content, actor="admin", scope=ALL)
    assert result.status in ("rejected", "ready", "unchanged")
    if result.status == "rejected":
        assert result.errors.height > 0 and result.frame is None
    assert departments(org) == before


@SETTINGS
@given(rows=st.lists(st.lists(cells, min_size=5, max_size=5), min_size=1, max_size=6),
       fmt=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "xlsx"]))
def test_random_cells_never_crash_nor_write(org, rows, fmt):
    frame = pl.DataFrame(rows, schema=dict.fromkeys(HEADERS, pl.String), orient="row")
    if fmt == "xlsx":
        buf = io.BytesIO()
        frame.write_excel(buf)
        content, name = buf.getvalue(), "f.xlsx"
    else:
        try:
            content, name = frame.write_csv().encode(fmt), "f.csv"
        except UnicodeEncodeError:
            content, name = frame.write_csv().encode("utf-8"), "f.csv"
    before = departments(org)
    result = act(org, ingest.prepare, "departments", name, content, actor="admin", scope=ALL)
    assert result.status in ("rejected", "ready", "unchanged")
    if result.status == "rejected":
        assert result.errors.height > 0
        report = ingest.error_report(result.errors, "departments", "zh_CN")
        assert (report["行号"].drop_nulls() >= 2).all()  # as Excel shows them, header = 1
        assert not report["问题"].str.starts_with("ingest.").any()  # every message translated
    assert departments(org) == before

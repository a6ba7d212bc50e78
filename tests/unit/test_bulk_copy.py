"""services.platform.bulk.copy_frame: a polars frame into a PostgreSQL table by one COPY of CSV,
every awkward value intact (the alert sync writes its history events and changes with it)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import polars as pl
import pytest
from sqlalchemy import text

from services.platform.bulk import copy_frame

AWKWARD = ['{"案件":"BR-1","说明":"逗号, 引号\\" 换行"}', "", None, 'a,"b"\nc\r\nd', "\\.", " 空格 "]


def test_copy_frame_keeps_nulls_empty_texts_quotes_newlines_and_instants(engine):
    beijing = datetime(2026, 12, 7, 7, 30, 0, 123456, tzinfo=timezone(timedelta(hours=8)))
    frame = pl.DataFrame({"n": [1, None, 3, 4, 5, 6], "s": AWKWARD,
                          "at": [beijing, None, beijing, beijing, beijing, beijing]},
                         schema={"n": pl.Int64, "s": pl.String, "at": pl.Datetime("us", "Asia/Shanghai")})
    with engine.begin() as conn:
        if conn.dialect.name != "postgresql":
            with pytest.raises(ValueError, match="PostgreSQL"):
                copy_frame(conn, "t", frame)
            return
        conn.exec_driver_sql("CREATE TEMP TABLE t (n int, s text, at timestamptz) ON COMMIT DROP")
        copy_frame(conn, "t", frame)
        rows = conn.execute(text("SELECT n, s, at FROM t ORDER BY n NULLS FIRST, s")).all()
    assert [(r.n, r.s) for r in rows] == [(None, ""), (1, AWKWARD[0]), (3, None), (4, AWKWARD[3]),
                                         (5, "\\."), (6, " 空格 ")]
    # 07:30:00.123456 in Beijing is 23:30:00.123456 UTC the day before
    assert rows[1].at == datetime(2026, 12, 6, 23, 30, 0, 123456, tzinfo=UTC)
    assert rows[0].at is None


def test_copy_frame_refuses_naive_timestamps(engine):
    frame = pl.DataFrame({"at": [datetime(2026, 12, 7, 7, 30)]})
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            with pytest.raises(ValueError, match="naive"):
                copy_frame(conn, "t", frame)

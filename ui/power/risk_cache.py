"""The risk register's read, cached per scope, filter and data stamp: a province holds 115,000
risk points, read in a second on every rerun of the page before."""

from __future__ import annotations

from datetime import date

import polars as pl
import streamlit as st

from services.platform.scope import Scope
from services.power import risk as risk_service
from ui.platform.db import cache_key, unit_of_work


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _risks(url: str, scope: Scope, level: str | None, region_code: str | None,  # noqa: ARG001
           department_id: int | None, since: date | None, until: date | None,
           stamp: tuple) -> pl.DataFrame:  # noqa: ARG001
    with unit_of_work() as session:
        return risk_service.risks_frame(scope, session=session, level=level, region_code=region_code,
                                        department_id=department_id, reviewed_since=since,
                                        reviewed_until=until)


def risks(scope: Scope, *, level: str | None, region_code: str | None, department_id: int | None,
          reviewed_since: date | None, reviewed_until: date | None) -> pl.DataFrame:
    """services.power.risk.risks_frame, read again only when points, powers or the level
    thresholds changed (risk_service.data_stamp)."""
    with unit_of_work() as session:
        stamp = risk_service.data_stamp(session=session)
    return _risks(cache_key(), scope, level, region_code, department_id, reviewed_since,
                  reviewed_until, stamp)

"""Issue 11, power versions: a case belongs to the version of its power in force on the day of
receipt (published, not yet superseded or abolished), never to a draft opened by an edit."""

from __future__ import annotations

from datetime import date, timedelta

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from metrics.platform.versions import in_force_on
from models.db import session_scope
from models.esupervision import ApprovalCase
from models.power import Power, PowerCreate
from models.users import User
from services.platform import ingest
from services.platform.scope import ALL, scope_for
from services.power import lifecycle
from services.power.catalog import in_force_clause

D = date


def test_the_version_in_force_on_the_day_is_chosen():
    # code X: v1 published 01-01, superseded by v2 published 06-01; v3 a draft (never published)
    versions = [(1, D(2026, 1, 1), D(2026, 6, 1)), (2, D(2026, 6, 1), None), (3, None, None)]
    rows = [(2, D(2026, 5, 31)), (3, D(2026, 6, 1)), (4, D(2026, 12, 1)), (5, D(2025, 12, 31))]
    cand = pl.DataFrame([(r, on, vid, vf, vu) for r, on in rows for vid, vf, vu in versions],
                        schema={"_row": pl.Int64, "on": pl.Date, "id": pl.Int64, "vf": pl.Date,
                                "vu": pl.Date}, orient="row")
    got = in_force_on(cand, row="_row", on="on", valid_from="vf", valid_until="vu")
    # the day before the change: v1; the day of the change and after: v2; never the draft;
    # before the first publication: none in force (reported by the upload)
    assert got.select("_row", "id", "in_force").rows() == [(2, 1, True), (3, 2, True), (4, 2, True),
                                                          (5, 2, False)]
    abolished = pl.DataFrame([(2, D(2026, 7, 1), 2, D(2026, 6, 1), D(2026, 7, 1))],
                             schema=cand.schema, orient="row")
    assert in_force_on(abolished, row="_row", on="on", valid_from="vf", valid_until="vu")[
        "in_force"].to_list() == [False]  # abolished on 07-01: not in force that day


def _act(engine, service, **kwargs):  # noqa: ANN001, ANN003, ANN202
    with session_scope(engine) as session:
        return service(session=session, **kwargs)


def _upload_case(engine, user, scope, case_no: str, code: str, received: date):  # noqa: ANN001, ANN202
    text = ("办件编号,职权编码,受理渠道,受理日期,办理状态\n"
            f"{case_no},{code},网上,{received},办理中\n")
    with session_scope(engine) as s:
        prepared = ingest.prepare("approval_cases", f"{case_no}.csv", text.encode("utf-8"),
                                  session=s, actor=user.username, scope=scope)
    if prepared.status != "ready":
        return prepared
    return ingest.commit(engine, prepared, actor=user.username, scope=scope)


def _case(engine, case_no: str) -> tuple[int, int]:  # noqa: ANN001
    with Session(engine) as s:
        c = s.execute(select(ApprovalCase).where(ApprovalCase.case_no == case_no)).scalar_one()
        return c.power_id, c.promised_limit_days


def test_an_edit_opens_a_draft_that_new_cases_do_not_take(seeded):
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
        scope = scope_for(user, session=s)
        old = s.execute(select(Power).where(in_force_clause(), Power.department_id == user.department_id)
                        .order_by(Power.id)).scalars().first()
        s.expunge(old)
    data = PowerCreate(**{k: getattr(old, k) for k in PowerCreate.model_fields}
                       | {"promised_limit_days": old.promised_limit_days + 1,
                          "statutory_limit_days": old.statutory_limit_days + 1})
    draft = _act(seeded, lifecycle.update_power, actor="admin", scope=ALL, power_id=old.id, data=data)
    assert draft != old.id
    today = china_today()
    # before: the case took the current version, the draft, and its limit
    assert _upload_case(seeded, user, scope, "VER-0001", old.code, today).status == "committed"
    assert _case(seeded, "VER-0001") == (old.id, old.promised_limit_days)
    for status in ("confirmed", "published"):
        _act(seeded, lifecycle.transition, actor="admin", scope=ALL, power_id=draft, to_status=status)
    with Session(seeded) as s:
        old_now, new_now = s.get(Power, old.id), s.get(Power, draft)
        assert old_now.retired_at == new_now.published_at is not None
    # received from today on: the new version; received yesterday: still the old one
    assert _upload_case(seeded, user, scope, "VER-0002", old.code, today).status == "committed"
    assert _case(seeded, "VER-0002") == (draft, old.promised_limit_days + 1)
    yesterday = today - timedelta(days=1)
    assert _upload_case(seeded, user, scope, "VER-0003", old.code, yesterday).status == "committed"
    assert _case(seeded, "VER-0003") == (old.id, old.promised_limit_days)
    # before the first publication (two years back in the demo) no version was in force
    early = _upload_case(seeded, user, scope, "VER-0004", old.code, today - timedelta(days=800))
    assert (early.status, early.errors["field"].to_list(), early.errors["key"].to_list()) == (
        "rejected", ["power_code"], ["ingest.err_ref_not_in_force"])

"""Issue 16: a data officer fills a template in Excel as they normally would. Time cells,
datetime cells and `9:30` import; any other cell Excel produces, in any column of any kind,
ends as a clean result or row-level errors (never an exception)."""

from __future__ import annotations

import io
import json
from datetime import date, datetime, time, timedelta

import openpyxl
import polars as pl
import pytest
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from data_checks.cells import time_of_day
from data_checks.kinds import all_kinds, get_kind
from models.db import session_scope
from models.power import Power
from models.users import User
from services.platform import ingest
from services.platform.ingest.report import preview
from services.platform.scope import scope_for
from services.power.catalog import in_force_clause

# the cell types Excel writes (formula separately: the reader refuses formulas file-wide)
CELLS = {"number": 12, "decimal": 3.75, "text": "文本", "date": date(2026, 11, 2),
         "time": time(9, 30), "datetime": datetime(2026, 11, 2, 14, 5), "boolean": True,
         "empty": None}


def _xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _user(engine, username: str):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        return user, scope_for(user, session=s)


def _prepare(engine, kind: str, content: bytes, username: str, lang: str = "zh_CN"):  # noqa: ANN001, ANN202
    user, scope = _user(engine, username)
    with session_scope(engine) as s:
        return ingest.prepare(kind, "file.xlsx", content, session=s, actor=user.username,
                              scope=scope, lang=lang)


def test_time_of_day_reads_every_spelling_excel_and_people_use():
    cells = ["9:30", "09:30", "1899-12-31 09:30:00", "1899-12-30 18:00:00", "2026-11-02 14:05:30",
             "0.395833333333333", "0.5", "9：05", "23:59:59.5", "00:00",
             "24:00", "9:60", "930", "1.5", "true", "下午3点", None]
    got = pl.DataFrame({"c": cells}).select(time_of_day(pl.col("c")))["c"].to_list()
    assert got == ["09:30", "09:30", "09:30", "18:00", "14:05", "09:30", "12:00", "09:05",
                   "23:59", "00:00", None, None, None, None, None, None, None]


def _case_power(engine) -> Power:  # noqa: ANN001
    user, _ = _user(engine, "county_data")
    with Session(engine) as s:
        return s.execute(select(Power).where(in_force_clause(),
                                             Power.department_id == user.department_id)
                         .order_by(Power.id)).scalars().first()


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_cases_with_excel_time_cells_import_in_both_languages(seeded, lang):
    power = _case_power(seeded)
    day = china_today() - timedelta(days=30)
    done = datetime.combine(day + timedelta(days=3), time(16, 45))
    kind = get_kind("approval_cases")
    headers = [c.header(lang) for c in kind.columns]
    rows = []
    for i, received in enumerate([time(9, 30), "9:30", datetime.combine(day, time(9, 30)), None]):
        values = {"case_no": f"UXT-{lang[:2]}-{i}", "power_code": power.current_code, "channel": "窗口",
                  "received_on": day, "received_time": received, "status": "已办结",
                  "finished_on": done.date(), "finished_time": done if i == 2 else time(16, 45),
                  "result": "准予许可", "fee_charged": 0}
        rows.append([values.get(c.field) for c in kind.columns])
    prepared = _prepare(seeded, "approval_cases", _xlsx(headers, rows), "county_data", lang)
    assert prepared.status == "ready", prepared.errors
    assert prepared.rows_new == 4
    # 09:30 in Shanghai is 01:30 UTC; an empty time is 09:00 (01:00 UTC)
    received = prepared.frame.sort("case_no")["received_at"].to_list()
    assert [(t.hour, t.minute) for t in received] == [(1, 30), (1, 30), (1, 30), (1, 0)]
    assert {(t.hour, t.minute) for t in prepared.frame["finished_at"]} == {(8, 45)}
    # the preview shows the time and keeps the kind's own "Result" column apart
    assert prepared.preview.height == 4
    assert prepared.preview[kind.column("received_time").header(lang)].to_list()[:2] == ["09:30"] * 2
    assert prepared.preview[kind.column("result").header(lang)].to_list()[0] == "准予许可"
    # choices as the user wrote them, not stored codes
    channel, status = (prepared.preview[kind.column(f).header(lang)].to_list()[0] for f in ("channel", "status"))
    assert (channel, status) == (("窗口", "已办结") if lang == "zh_CN" else ("window", "finished"))


def test_a_time_that_is_not_one_is_a_row_error_naming_the_column(seeded):
    power = _case_power(seeded)
    day = china_today() - timedelta(days=30)
    kind = get_kind("approval_cases")
    row = {"case_no": "UXT-BAD", "power_code": power.current_code, "channel": "窗口",
           "received_on": day, "received_time": "25:10", "status": "办理中"}
    prepared = _prepare(seeded, "approval_cases",
                        _xlsx([c.zh for c in kind.columns],
                              [[row.get(c.field) for c in kind.columns]]), "county_data")
    assert prepared.status == "rejected"
    errors = prepared.errors.select("row", "field", "value", "key").rows()
    assert errors == [(2, "received_time", "25:10", "ingest.err_time")]
    report = ingest.error_report(prepared.errors, "approval_cases", "zh_CN")
    assert report.row(0) == (2, "受理时间", "25:10", "不是有效时间，应为 时:分（例如 9:30 或 14:05）。")


def _example_row(kind) -> list[object]:  # noqa: ANN001
    return [c.example or None for c in kind.columns]


@pytest.mark.parametrize("kind_key", [k.key for k in all_kinds()])
def test_every_excel_cell_type_in_every_column_ends_cleanly(seeded, kind_key):
    kind = get_kind(kind_key)
    headers = [c.zh for c in kind.columns]
    base = _example_row(kind)
    rows = []
    for i in range(len(kind.columns)):
        for value in CELLS.values():
            row = list(base)
            row[i] = value
            rows.append(row)
    rows += [[value] * len(kind.columns) for value in CELLS.values() if value is not None]
    for lang in ("zh_CN", "en"):
        prepared = _prepare(seeded, kind_key, _xlsx(headers, rows), "admin", lang)
        assert prepared.status in {"ready", "rejected", "unchanged"}
        if prepared.status == "rejected":
            assert prepared.errors["row"].null_count() == 0, prepared.errors
            assert prepared.errors["row"].max() <= len(rows) + 1
            report = ingest.error_report(prepared.errors, kind_key, lang)
            assert report.height == prepared.errors.height
            assert not any("{" in m for m in report[report.columns[-1]].to_list())
    formula = [list(base)]
    formula[0][0] = "=1+1"
    refused = _prepare(seeded, kind_key, _xlsx(headers, formula), "admin")
    assert refused.status == "rejected"
    assert refused.errors["row"].null_count() == refused.errors.height  # the whole file
    assert refused.errors["key"].to_list()[0].startswith(("security.", "ingest."))


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
@pytest.mark.parametrize("kind_key", [k.key for k in all_kinds()])
def test_every_kinds_preview_has_distinct_columns(kind_key, lang):
    kind = get_kind(kind_key)
    diffed = pl.DataFrame({"_row": [2, 3], "__status": ["new", "changed"],
                           **{c.field: ["a", None] for c in kind.columns}})
    shown = preview(diffed, kind, lang)
    assert shown.height == 2
    assert shown.width == len(kind.columns) + 2
    assert shown.row(0)[2:] == tuple("a" for _ in kind.columns)
    assert json.dumps(shown.columns, ensure_ascii=False)  # every header is a plain string


def test_a_message_naming_the_value_shows_the_cell_not_a_placeholder():
    from data_checks.errors import ErrorList, render_errors

    errors = ErrorList()
    errors.add_one("power.upload.err_promised", row=3, field_name="promised_limit_days", value="30")
    shown = render_errors(errors.frame(), {"promised_limit_days": "承诺时限"}, "zh_CN")
    assert shown.row(0) == (3, "承诺时限", "30", "承诺时限不能超过法定时限（30）。")


def test_a_filled_template_imports_its_rows_but_never_its_example(seeded):
    from data_checks.templates import template_xlsx

    power = _case_power(seeded)
    day = china_today() - timedelta(days=20)
    kind = get_kind("approval_cases")
    wb = openpyxl.load_workbook(io.BytesIO(template_xlsx(kind)))
    ws = wb.worksheets[0]
    assert ws["A2"].value.startswith("【示例】")
    validated = {str(v.sqref).split(":")[0] for v in ws.data_validations.dataValidation}
    assert {"C2", "G2"} <= validated  # 受理渠道, 办理状态 offer drop-downs
    row = {"case_no": "UXT-TPL-1", "power_code": power.current_code, "channel": "窗口",
           "received_on": day, "received_time": time(9, 5), "status": "办理中"}
    for j, col in enumerate(kind.columns, start=1):
        ws.cell(row=3, column=j, value=row.get(col.field))
    buf = io.BytesIO()
    wb.save(buf)
    prepared = _prepare(seeded, "approval_cases", buf.getvalue(), "county_data")
    assert prepared.status == "ready", prepared.errors
    assert prepared.frame["case_no"].to_list() == ["UXT-TPL-1"]
    assert prepared.rows_new == 1

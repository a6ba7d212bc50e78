"""Issue 17 on the import pipeline (both databases): history and error reports scoped to the
uploader's department; a stored row of another county reported as out of scope and nothing
more; an internal id never named in a message; the "same file" shortcut compares the stored
rows; two imports prepared on the same state report what each actually wrote; the CLI writes
as itself."""

from __future__ import annotations

import polars as pl
import pytest
from sqlalchemy import select, update
from sqlmodel import Session

import manage
from models.db import session_scope
from models.imports import ImportBatch
from models.org import Department
from services.platform import ingest
from services.platform.scope import ALL, Scope

DEPT_HEADER = "部门代码,部门名称,所属区划代码,部门类别,在用\n"


@pytest.fixture
def org(engine):  # noqa: ANN001
    from services.platform.seed import seed_org

    with session_scope(engine) as s:
        seed_org(s, scale="small")
    return engine


def _prepare(engine, kind, text, scope, actor="tester"):  # noqa: ANN001
    with session_scope(engine) as s:
        return ingest.prepare(kind, "f.csv", text.encode(), session=s, actor=actor, scope=scope)


def _dept_id(engine, code):  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(Department.id).where(Department.code == code)).scalar_one()


def _county(engine, code="210102", department=None):  # noqa: ANN001
    return Scope(region_codes=frozenset({code}), department_id=department, root_region=code)


def test_history_and_reports_are_scoped_to_the_uploaders_department(org):  # noqa: ANN001
    mine, other = _dept_id(org, "210102004"), _dept_id(org, "210102001")
    officer = _county(org, department=mine)
    bad = DEPT_HEADER + "210102999,身份证号210102199001011234,210102,无此类别,是\n"
    result = _prepare(org, "departments", bad, officer)
    assert result.status == "rejected"
    with Session(org) as s:
        stored = s.get(ImportBatch, result.batch_id)
        assert stored.department_id == mine
        seen_by = {
            "officer": ingest.batches_frame(officer, session=s)["id"].to_list(),
            "colleague": ingest.batches_frame(_county(org, department=other), session=s)["id"].to_list(),
            "county": ingest.batches_frame(_county(org), session=s)["id"].to_list(),
        }
        reports = {
            "officer": ingest.batch_error_report(officer, result.batch_id, session=s),
            "colleague": ingest.batch_error_report(_county(org, department=other),
                                                   result.batch_id, session=s),
        }
    assert seen_by == {"officer": [result.batch_id], "colleague": [], "county": [result.batch_id]}
    assert reports["officer"] is not None and reports["colleague"] is None


def test_another_countys_stored_row_is_only_out_of_scope(seeded):  # noqa: ANN001
    """A 和平区 officer sends a power code that exists in 沈河区: "out of scope", never
    "已有记录的这一项不能通过上传修改" (which told them the code exists there)."""
    from models.power import Power

    with Session(seeded) as s:
        code = s.execute(select(Power.code).where(Power.region_code == "210103",
                                                  Power.version == 1).limit(1)).scalar_one()
    text = ("职权编码,版本,职权名称,职权类别,部门代码,设定依据,法定时限,承诺时限\n"
            f"{code},1,改名,行政许可,210102004,依据,20,10\n")
    officer = _county(seeded, department=_dept_id(seeded, "210102004"))
    result = _prepare(seeded, "powers", text, officer)
    rows = result.errors.select("row", "field", "key").rows()
    assert rows == [(2, "code", "ingest.err_out_of_scope")]


def test_same_file_after_a_form_edit_is_compared_with_the_stored_rows(org):  # noqa: ANN001
    text = DEPT_HEADER + "210102901,和平区大数据局,210102,其他,是\n"
    first = _prepare(org, "departments", text, ALL)
    ingest.commit(org, first, actor="tester", scope=ALL)
    again = _prepare(org, "departments", text, ALL)
    assert (again.status, again.message_key) == ("unchanged", "ingest.same_file")
    with session_scope(org) as s:
        s.execute(update(Department).where(Department.code == "210102901")
                  .values(name="表单改过的名称"))
    edited = _prepare(org, "departments", text, ALL)
    assert (edited.status, edited.rows_changed, edited.rows_new) == ("ready", 1, 0)


def test_two_imports_prepared_on_the_same_state_report_what_each_wrote(org):  # noqa: ANN001
    text = DEPT_HEADER + "".join(f"2101029{i:02d},新部门{i},210102,其他,是\n" for i in range(10, 40))
    a = _prepare(org, "departments", text, ALL)
    b = _prepare(org, "departments", text, ALL)
    assert (a.rows_new, b.rows_new) == (30, 30)  # both previews were right when made
    a = ingest.commit(org, a, actor="tester", scope=ALL)
    b = ingest.commit(org, b, actor="tester", scope=ALL)
    assert (a.status, a.rows_new) == ("committed", 30)
    assert (b.status, b.rows_new, b.rows_unchanged) == ("unchanged", 0, 30)
    with Session(org) as s:
        statuses = s.execute(select(ImportBatch.status).order_by(ImportBatch.id)).scalars().all()
    assert statuses.count("committed") == 1


def test_an_internal_id_is_never_the_column_of_a_message(seeded):  # noqa: ANN001
    """A power of another department of the same county: the step upload names the power code
    the user typed, not `department_id 40`."""
    from models.power import Power

    mine = _dept_id(seeded, "210102004")
    with Session(seeded) as s:
        code = s.execute(select(Power.current_code).where(
            Power.region_code == "210102", Power.department_id != mine,
            Power.is_current.is_(True)).limit(1)).scalar_one()
    text = f"职权编码,步骤序号,步骤名称\n{code},1,受理\n"
    result = _prepare(seeded, "power_steps", text, _county(seeded, department=mine))
    errors = result.errors.filter(pl.col("key") == "ingest.err_ref_unavailable")
    assert errors.select("row", "field", "value").rows() == [(2, "power_code", code)]
    assert not result.errors["field"].str.starts_with("_").any()


def test_a_code_of_another_county_reads_like_one_that_does_not_exist(seeded):  # noqa: ANN001
    """Issue 17: an upload does not tell whether another county has a code."""
    from models.power import Power

    with Session(seeded) as s:
        foreign = s.execute(select(Power.current_code).where(
            Power.region_code == "210103", Power.is_current.is_(True)).limit(1)).scalar_one()
    text = f"职权编码,步骤序号,步骤名称\n{foreign},1,受理\nXK-210102-NOPE-9,1,受理\n"
    result = _prepare(seeded, "power_steps", text, _county(seeded))
    assert result.status == "rejected"
    report = ingest.error_report(result.errors, "power_steps", "zh_CN")
    assert report.rows() == [(2, "职权编码", foreign, "系统中没有这个代码，或不在您的管理范围内。"),
                             (3, "职权编码", "XK-210102-NOPE-9", "系统中没有这个代码，或不在您的管理范围内。")]


def test_the_cli_writes_as_itself():
    actor = manage.cli_actor("admin")
    assert actor.startswith("cli:") and actor.endswith(" (admin)")
    assert manage.cli_actor(None) == actor.removesuffix(" (admin)")


def test_a_date_before_any_version_does_not_tell_that_a_foreign_code_exists(seeded):  # noqa: ANN001
    """Found by the hostile sweep (bench/bench_hostile.py): a case dated before a power's
    first version was answered "no version in force on that date" for a power of another
    county or of another department, and "no such code" for a code that does not exist, so
    the date told the officer the code exists elsewhere. Their own power keeps its message."""
    from models.power import Power

    mine = _dept_id(seeded, "210102004")
    published = Power.published_at.is_not(None)
    with Session(seeded) as s:
        def code(*where):  # noqa: ANN002, ANN202
            return s.execute(select(Power.code).where(published, *where)
                             .order_by(Power.id).limit(1)).scalar_one()

        foreign = code(Power.region_code == "210103")
        colleague = code(Power.region_code == "210102", Power.department_id != mine)
        own = code(Power.department_id == mine)
    head = "办件编号,职权编码,受理渠道,受理日期,受理时间,办理状态,办结日期,办结时间,不予许可理由,实收费用\n"
    text = head + "".join(f"LEAK-{i},{c},窗口,1990-01-02,10:00,已办结,1990-01-02,16:00,,0\n"
                          for i, c in enumerate((foreign, colleague, "XK-210102004-NOPE-9", own)))
    result = _prepare(seeded, "approval_cases", text, _county(seeded, department=mine))
    errors = result.errors.filter(pl.col("field") == "power_code").select("row", "key").rows()
    assert errors == [(2, "ingest.err_ref_unavailable"), (3, "ingest.err_ref_unavailable"),
                      (4, "ingest.err_ref_unavailable"), (5, "ingest.err_ref_not_in_force")]

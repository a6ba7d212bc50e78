"""Header mapping, row-level checks and the great-expectations suite, on small frames."""

import polars as pl

from data_checks.checks import check_rows, map_headers
from data_checks.kinds import get_kind
from data_checks.suites import build_suite, run_suite

USERS = get_kind("users")


def text_frame(rows: dict) -> pl.DataFrame:
    n = len(next(iter(rows.values())))
    return pl.DataFrame({"_row": list(range(2, n + 2)), **rows},
                        schema={"_row": pl.Int64, **{k: pl.String for k in rows}})


def test_headers_by_chinese_english_or_alias():
    frame = text_frame({"用户名": ["a"], "Name": ["b"], "role": ["领导"], " 所属区划代码 ": ["210102"]})
    mapped, errors = map_headers(frame.rename({" 所属区划代码 ": "所属区划代码"}), USERS)
    assert errors.height == 0
    assert mapped.columns == ["_row", "username", "display_name", "roles", "region_code",
                              "department_code", "active"]
    assert mapped["department_code"].to_list() == [None]


def test_headers_unknown_repeated_missing():
    frame = text_frame({"用户名": ["a"], "Username": ["a"], "备注": ["x"]})
    _, errors = map_headers(frame, USERS)
    assert errors.select("field", "key", "value").rows() == [
        ("username", "ingest.err_repeated_column", "Username"),
        (None, "ingest.err_unknown_column", "备注"),
        ("display_name", "ingest.err_missing_column", None),
        ("roles", "ingest.err_missing_column", None),
        ("region_code", "ingest.err_missing_column", None),
    ]


def test_row_checks_types_lists_defaults_and_duplicates():
    frame = text_frame({
        "username": ["zhang", "Li Si", "zhang", "wang"],
        "display_name": ["张", "李", "张二", None],
        "roles": ["领导、数据专员", "leader", "boss,领导", "纪检监察；admin"],
        "region_code": ["210102", "21010", "210102", "210102"],
        "department_code": [None, None, None, None],
        "active": [None, "否", "maybe", "YES"],
    })
    typed, errors = check_rows(frame, USERS)
    assert errors.select("row", "field", "key").rows() == [
        (3, "username", "ingest.err_pattern"),
        (3, "region_code", "ingest.err_pattern"),
        (4, "roles", "ingest.err_choice"),
        (4, "active", "ingest.err_bool"),
        (4, "username", "ingest.err_duplicate_key"),
        (5, "display_name", "ingest.err_required"),
    ]
    assert errors.filter(pl.col("key") == "ingest.err_duplicate_key")["params"].to_list() == ['{"first": 2}']
    assert typed["active"].to_list() == [True, False, True, True]  # empty -> default yes
    assert typed["roles"].to_list()[0] == ["leader", "data_officer"]
    assert typed["roles"].to_list()[3] == ["supervisor", "admin"]


def test_numbers_dates_and_ranges_on_a_hand_built_kind():
    from data_checks.kinds import Column, CrossCheck, UploadKind

    kind = UploadKind(
        key="test_ranges", title_key="ingest.kind.users", table="user", natural_key=("k",),
        roles=frozenset({"admin"}),
        columns=(Column("k", "键", "Key", required=True),
                 Column("n", "数量", "Count", type="int", min_value=0, max_value=10),
                 Column("x", "金额", "Amount", type="float"),
                 Column("start", "开始", "Start", type="date"),
                 Column("end", "结束", "End", type="date")),
        checks=(CrossCheck("end", pl.col("end") < pl.col("start"), "ingest.err_date"),),
    )
    frame = text_frame({"k": ["a", "b", "c", "d"], "n": ["3", "3.0", "3.5", "11"],
                        "x": ["1,234.5", "-2", "abc", None],
                        "start": ["2026-03-01", "2026/3/1", "2026年3月1日", "昨天"],
                        "end": ["2026-03-31", "2026-02-01", None, None]})
    typed, errors = check_rows(frame, kind)
    assert errors.select("row", "field", "key").rows() == [
        (3, "end", "ingest.err_date"),
        (4, "n", "ingest.err_int"), (4, "x", "ingest.err_number"),
        (5, "n", "ingest.err_above"), (5, "start", "ingest.err_date"),
    ]
    assert typed["x"].to_list()[:2] == [1234.5, -2.0]
    assert typed["start"].dt.strftime("%Y-%m-%d").to_list()[:3] == ["2026-03-01"] * 3


def test_suite_is_declared_from_the_kind():
    types = [e.expectation_type if hasattr(e, "expectation_type") else e.type
             for e in build_suite(USERS).expectations]
    assert types.count("expect_column_values_to_not_be_null") == 4
    assert "expect_column_values_to_be_unique" in types
    assert "expect_column_values_to_match_regex" in types


def test_suite_reports_rows_the_precheck_would_not_see():
    # Hand the suite a typed frame that was never pre-checked: it still names the rows.
    typed = pl.DataFrame({
        "_row": [2, 3, 4], "username": ["ok_1", "ok_1", "BAD NAME"], "display_name": ["a", "b", None],
        "roles": [["leader"], ["leader"], ["admin"]], "region_code": ["210102"] * 3,
        "department_code": [None, None, None], "active": [True, True, True],
    }, schema_overrides={"department_code": pl.String})
    errors = run_suite(typed, USERS)
    got = set(errors.select("row", "field").rows())
    assert {(4, "display_name"), (4, "username"), (2, "username"), (3, "username")} <= got
    assert set(errors["key"]) == {"ingest.err_suite"}

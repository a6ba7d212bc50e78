"""Issue 17: child rows of several parents in one file are checked for uniqueness on the
file's own key (codes and numbers), named by the user's columns, before ids are resolved."""

import json

import polars as pl
import pytest

import startup
from data_checks import checks, suites
from data_checks.kinds import get_kind


@pytest.fixture(scope="module", autouse=True)
def _kinds():
    startup.boot()


def _check(kind_key: str, rows: list[dict]) -> pl.DataFrame:
    kind = get_kind(kind_key)
    frame = pl.DataFrame(rows).with_row_index("_row", offset=2).with_columns(
        pl.col("_row").cast(pl.Int64))
    mapped, header_errors = checks.map_headers(frame, kind)
    assert header_errors.height == 0
    typed, errors = checks.check_rows(mapped, kind)
    if errors.height == 0:
        errors = suites.run_suite(typed, kind)
    return errors


STEP = {"职权编码": "XK-210102004-001", "步骤序号": "1", "步骤名称": "受理"}
EDGE = {"职权编码": "XK-210102004-001", "从步骤": "1", "到步骤": "2"}
RISK = {"职权编码": "XK-210102004-001", "风险点编号": "1", "风险点描述": "拖延"}
CASE_STEP = {"办件编号": "2101020042026000001", "步骤序号": "1", "开始日期": "2026-11-02"}
SUSPENSION = {"办件编号": "2101020042026000001", "中止类型": "补正材料", "中止开始日期": "2026-11-02"}
PAYMENT = {"资金编号": "ZJ-2026-01", "凭证号": "ZF-0001", "收款单位": "甲公司",
           "统一社会信用代码": "91210102MA0XXXXX1X", "支付金额": "100", "支付日期": "2026-06-18"}
CASES = [("power_steps", STEP, "职权编码", "XK-210102004-002"),
         ("power_edges", EDGE, "职权编码", "XK-210102004-002"),
         ("risk_points", RISK, "职权编码", "XK-210102004-002"),
         ("case_steps", CASE_STEP, "办件编号", "2101020042026000002"),
         ("case_suspensions", SUSPENSION, "办件编号", "2101020042026000002"),
         ("fund_payments", PAYMENT, "资金编号", "ZJ-2026-02")]


@pytest.mark.parametrize(("kind_key", "row", "parent", "other"), CASES)
def test_same_child_key_under_two_parents_passes(kind_key, row, parent, other):
    errors = _check(kind_key, [row, row | {parent: other}])
    assert errors.rows() == []


@pytest.mark.parametrize(("kind_key", "row", "parent", "other"), CASES)
def test_a_repeated_child_names_the_users_columns_and_first_row(kind_key, row, parent, other):
    errors = _check(kind_key, [row, row | {parent: other}, row])
    kind = get_kind(kind_key)
    assert errors.height == 1
    err = errors.row(0, named=True)
    assert err["row"] == 4 and err["key"] == "ingest.err_duplicate_key"
    assert kind.headers("zh_CN")[err["field"]] == parent
    assert err["value"].startswith(row[parent] + "/")
    assert json.loads(err["params"]) == {"first": 2}

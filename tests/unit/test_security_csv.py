"""Issue 17: CSV uploads with odd line endings read as Excel shows them, their problems are
told in Chinese with the line, and tables offer no raw "Download as CSV"."""

import tomllib
from pathlib import Path

import pytest

from data_checks.errors import UploadError
from data_checks.parsing import parse_upload
from i18n import translate

ROOT = Path(__file__).resolve().parents[2]


def test_a_cr_only_file_is_read_row_by_row():
    parsed = parse_upload("mac.csv", "部门代码,部门名称\r210102901,甲\r210102902,乙\r".encode())
    assert parsed.frame.rows() == [(2, "210102901", "甲"), (3, "210102902", "乙")]


def test_a_lone_cr_between_rows_is_a_line_break_not_a_glued_row():
    parsed = parse_upload("d.csv", b"a,b\n1,2\r3,4\n5,6\r\n")
    assert parsed.frame.rows() == [(2, "1", "2"), (3, "3", "4"), (4, "5", "6")]


@pytest.mark.parametrize(("content", "key", "params"), [
    (b"a,b\n1,2\r3,4,5\n", "security.err_csv_fields", {"line": 3, "found": 3, "expected": 2}),
    (b"a,b\n1,2\n3,4,5,6\n", "security.err_csv_fields", {"line": 3, "found": 4, "expected": 2}),
    (b'a,b\n1,"x\n', "security.err_csv_quote", {"line": 2}),
])
def test_malformed_csv_is_explained_in_chinese_with_its_line(content, key, params):
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", content)
    assert (exc.value.key, exc.value.params) == (key, params)
    message = translate(key, "zh_CN", **params)
    assert f"第 {params['line']} 行" in message and "Schema" not in message


def test_tables_offer_no_raw_csv_download():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["disableDataExport"] is True

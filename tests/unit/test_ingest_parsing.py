"""Parsing uploads: encodings, Excel, and every kind of file that must be refused."""

import io

import polars as pl
import pytest
import xlsxwriter

from data_checks.errors import UploadError
from data_checks.parsing import MAX_CELL_CHARS, detect_encoding, parse_upload

CSV_TEXT = "部门代码,部门名称,所属区划代码\n210102901,和平区测试局,210102\n210102902,=SUM(A1),210102\n"


def xlsx(rows, *, sheet="数据", formula=None, merge=None, extra_sheet=None) -> bytes:
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_numbers": False}) as wb:
        if extra_sheet:
            wb.add_worksheet(extra_sheet).write_row(0, 0, ["别的"])
        ws = wb.add_worksheet(sheet)
        for i, row in enumerate(rows):
            ws.write_row(i, 0, row)
        if formula:
            ws.write_formula(formula, "=1+1")
        if merge:
            ws.merge_range(merge, "合并")
    return buf.getvalue()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_each_encoding_is_detected_and_reads_the_same(encoding):
    parsed = parse_upload("d.csv", CSV_TEXT.encode(encoding))
    assert parsed.encoding == {"gbk": "gb18030"}.get(encoding, encoding)
    assert parsed.headers == ("部门代码", "部门名称", "所属区划代码")
    assert parsed.frame["部门名称"].to_list() == ["和平区测试局", "=SUM(A1)"]
    assert parsed.frame["_row"].to_list() == [2, 3]


def test_formula_like_text_is_kept_as_text():
    parsed = parse_upload("d.csv", b"a,b\n=1+1,+86\n@cmd,-x\n")
    assert parsed.frame.select("a", "b").rows() == [("=1+1", "+86"), ("@cmd", "-x")]


def test_xlsx_first_sheet_rows_numbered_as_excel_shows_them():
    content = xlsx([["部门代码", "部门名称"], ["210102901", "甲"], [], ["210102902", "乙"]])
    parsed = parse_upload("d.xlsx", content)
    assert parsed.encoding == "xlsx" and parsed.sheet == "数据"
    assert parsed.frame.rows() == [(2, "210102901", "甲"), (4, "210102902", "乙")]


def test_xlsx_named_sheet_and_missing_sheet():
    content = xlsx([["a"], ["1"]], sheet="第二页", extra_sheet="封面")
    assert parse_upload("d.xlsx", content, sheet="第二页").frame["a"].to_list() == ["1"]
    with pytest.raises(UploadError) as exc:
        parse_upload("d.xlsx", content, sheet="无此页")
    assert exc.value.key == "ingest.err_no_sheet" and exc.value.params["sheets"] == "封面、第二页"


def test_numbers_in_xlsx_arrive_as_text():
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf) as wb:
        ws = wb.add_worksheet()
        ws.write_row(0, 0, ["code", "n"])
        ws.write_row(1, 0, [210102, 1.5])
    parsed = parse_upload("d.xlsx", buf.getvalue())
    assert parsed.frame.row(0) == (2, "210102", "1.5")


@pytest.mark.parametrize(("name", "content", "key"), [
    ("d.txt", b"a,b\n1,2\n", "ingest.err_extension"),
    ("d", b"a,b\n1,2\n", "ingest.err_extension"),
    ("d.csv", b"", "ingest.err_empty"),
    ("d.csv", b"\n\n  \n", "ingest.err_empty"),
    ("d.csv", "部门代码,部门名称\n".encode(), "ingest.err_header_only"),
    ("d.csv", "部门代码,部门名称\n,\n , \n".encode(), "ingest.err_header_only"),
    ("d.csv", b"\x00\x01\x02\x03binary\xff\xfe\x00", "ingest.err_binary"),
    ("d.csv", bytes(range(256)) * 4, "ingest.err_binary"),
    ("d.csv", xlsx([["a"], ["1"]]), "ingest.err_excel_as_csv"),
    ("d.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "ingest.err_old_xls"),
    ("d.xlsx", b"a,b\n1,2\n", "ingest.err_bad_xlsx"),
    ("d.xlsx", b"PK\x03\x04broken zip", "ingest.err_bad_xlsx"),
    ("d.csv", b"a,a\n1,2\n", "ingest.err_duplicate_header"),
    ("d.csv", b"a,,b\n1,2,3\n", "ingest.err_blank_header"),
    ("d.csv", b"a,b\n1,2,3,4\n", "security.err_csv_fields"),
])
def test_refused_files(name, content, key):
    with pytest.raises(UploadError) as exc:
        parse_upload(name, content)
    assert exc.value.key == key


def test_mixed_encodings_name_the_line():
    content = b"a,b\n" + "甲,乙\n".encode("gbk") + "丙,丁\n".encode()
    with pytest.raises(UploadError) as exc:
        detect_encoding(content)
    assert exc.value.key == "ingest.err_mixed_encoding_line" and exc.value.params == {"line": 3}


def test_bom_followed_by_gbk_is_mixed():
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", b"\xef\xbb\xbf" + "a\n甲\n".encode("gbk"))
    assert exc.value.key == "ingest.err_mixed_encoding"


def test_formula_cells_are_refused_with_their_address():
    with pytest.raises(UploadError) as exc:
        parse_upload("d.xlsx", xlsx([["a", "b"], ["1", "2"]], formula="B3"))
    assert exc.value.key == "ingest.err_formula" and exc.value.params == {"cell": "B3"}


def test_merged_header_cells_are_refused():
    with pytest.raises(UploadError) as exc:
        parse_upload("d.xlsx", xlsx([["a", "b"], ["1", "2"]], merge="C1:D1"))
    assert exc.value.key == "ingest.err_merged_header" and exc.value.params == {"cells": "C1:D1"}
    # merged cells below the header are not a header problem
    assert parse_upload("d.xlsx", xlsx([["a", "b"], ["1", "2"]], merge="A5:B5")).frame.height == 2


def test_size_and_row_limits():
    content = ("a\n" + "x\n" * 30).encode()
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", content, max_rows=29)
    assert exc.value.params == {"rows": 30, "limit": 29}
    assert parse_upload("d.csv", content, max_rows=30).frame.height == 30
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", b"a\n" + b"x" * 1_899_996 + b"\n", max_mb=1)
    assert exc.value.key == "ingest.err_too_big" and exc.value.params == {"size": "1.9", "limit": 1}
    # a megabyte is 1,000,000 bytes, as Streamlit's uploader counts: exactly 1 MB passes the size check
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", b"a\n" + b"x" * 999_997 + b"\n", max_mb=1, max_rows=0)
    assert exc.value.key != "ingest.err_too_big"
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", b"a\n" + b"x" * 999_998 + b"\n", max_mb=1, max_rows=0)
    assert exc.value.params == {"size": "1.0", "limit": 1}


def test_extremely_long_cell_is_refused_naming_row_and_column():
    content = ("a,b\n1,2\n3," + "长" * (MAX_CELL_CHARS + 1) + "\n").encode()
    with pytest.raises(UploadError) as exc:
        parse_upload("d.csv", content)
    assert exc.value.params == {"row": 3, "column": "b", "limit": MAX_CELL_CHARS}


def test_tab_separated_and_blank_cells_are_missing():
    parsed = parse_upload("d.csv", b"a\tb\n 1 \t \n")
    assert parsed.frame.select("a", "b").rows() == [("1", None)]
    assert parsed.frame.schema["b"] == pl.String


def test_control_characters_in_a_cell_are_refused():
    content = xlsx([["a", "b"], ["1", "2"], ["3", "x\x00y"]])
    with pytest.raises(UploadError) as exc:
        parse_upload("d.xlsx", content)
    assert (exc.value.key, exc.value.params) == ("ingest.err_control_chars", {"row": 3, "column": "b"})

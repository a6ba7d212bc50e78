"""Issue 17: hostile workbooks are refused before any Excel reader sees them, and a reader
crash ends as a refused file, never as a dead process. Every file is built here in code."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from bench.hostile_files import (  # noqa: F401  (the package parts, written once)
    CONTENT_TYPES,
    MAIN,
    ROOT_RELS,
    WORKBOOK,
    WORKBOOK_RELS,
)
from data_checks import xlsx_child, xlsx_guard
from data_checks.errors import UploadError
from data_checks.parsing import parse_upload

ROOT = Path(__file__).resolve().parents[2]
HEADER_AND_ONE_ROW = ('<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c>'
                      '<c r="B1" t="inlineStr"><is><t>b</t></is></c></row>'
                      '<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c>'
                      '<c r="B2" t="inlineStr"><is><t>y</t></is></c></row>')


def sheet_xml(rows: str, *, prefix: str = "", tail: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>{rows}'
            f'</{p}sheetData>{tail}</{p}worksheet>')


def workbook(sheet: str | None = None, *, stream=None, lie_size: int | None = None) -> bytes:  # noqa: ANN001
    """A minimal .xlsx; `stream` yields the sheet XML in chunks (for huge members), and
    `lie_size` writes a false uncompressed size into the central directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if stream is None:
            zf.writestr("xl/worksheets/sheet1.xml", sheet or sheet_xml(HEADER_AND_ONE_ROW))
        else:
            with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                fh._compressor = _RepeatingCompressor(fh._compressor)
                for chunk in stream:
                    fh.write(chunk)
        if lie_size is not None:
            zf.filelist[-1].file_size = lie_size
    return buf.getvalue()


def refused(content: bytes, **kw) -> UploadError:  # noqa: ANN003
    with pytest.raises(UploadError) as exc:
        parse_upload("hostile.xlsx", content, **kw)
    return exc.value


def test_the_minimal_workbook_itself_is_read():
    parsed = parse_upload("ok.xlsx", workbook(), max_cols=2)
    assert parsed.frame.rows() == [(2, "x", "y")]


# ---- extent: the 1.6 KB file that aborted the server ----------------------------------

FAR_CELL = sheet_xml(HEADER_AND_ONE_ROW + '<row r="100000"><c r="XFD100000" t="inlineStr">'
                     '<is><t>boom</t></is></c></row>')


def test_a_value_at_xfd100000_is_refused_naming_the_cell_before_any_reader_runs(monkeypatch):
    def no_reader(*_a, **_k):  # noqa: ANN002, ANN003
        raise AssertionError("the Excel reader must not be started")

    monkeypatch.setattr(xlsx_child, "read_sheet", no_reader)
    content = workbook(FAR_CELL)
    assert len(content) < 2000
    err = refused(content, max_cols=11)
    assert err.key == "security.err_sheet_cols"
    assert err.params == {"cell": "XFD100000", "last": "U", "limit": 21}
    # with no kind (256 columns allowed) it is still refused, on its column
    assert refused(content).params["cell"] == "XFD100000"


def test_rows_beyond_the_row_limit_are_refused_by_position_not_count():
    rows = HEADER_AND_ONE_ROW + '<row r="12"><c r="A12" t="inlineStr"><is><t>z</t></is></c></row>'
    err = refused(workbook(sheet_xml(rows)), max_rows=10)
    assert err.key == "security.err_sheet_rows"
    assert err.params == {"cell": "A12", "row": 12, "limit": 10}
    # row 11 is the 10th data row: allowed
    ok = HEADER_AND_ONE_ROW + '<row r="11"><c r="A11" t="inlineStr"><is><t>z</t></is></c></row>'
    assert parse_upload("ok.xlsx", workbook(sheet_xml(ok)), max_rows=10).frame.height == 2


def test_cells_without_addresses_are_placed_by_order():
    rows = (HEADER_AND_ONE_ROW + '<row><c t="inlineStr"><is><t>1</t></is></c>'
            '<c t="inlineStr"><is><t>2</t></is></c><c t="inlineStr"><is><t>3</t></is></c></row>')
    zf = zipfile.ZipFile(io.BytesIO(workbook(sheet_xml(rows))))
    limits = xlsx_guard.Limits(max_rows=10, max_cols=2, max_bytes=1 << 20)
    with pytest.raises(UploadError) as exc:
        xlsx_guard.scan_sheet(zf, "xl/worksheets/sheet1.xml", limits)
    assert exc.value.params["cell"] == "C3"


def test_an_empty_styled_cell_far_away_is_not_content():
    rows = HEADER_AND_ONE_ROW + '<row r="100000"><c r="XFD100000" s="1"/></row>'
    assert parse_upload("ok.xlsx", workbook(sheet_xml(rows)), max_cols=2).frame.height == 1


def test_a_reader_crash_in_the_child_is_a_refused_file_and_this_process_lives():
    # The guard is bypassed on purpose: the reader aborts (SIGABRT) on this file.
    with pytest.raises(UploadError) as exc:
        xlsx_child.read_sheet(workbook(FAR_CELL), "数据")
    assert exc.value.key == "security.err_reader_crashed"


# ---- formulas: found by parsing, whatever the attribute order or prefix ------------------

@pytest.mark.parametrize("cell", [
    '<c r="A3"><f>1+1</f><v>2</v></c>',
    '<c t="str" r="A3"><f>HYPERLINK("http://x")</f><v>x</v></c>',
    '<c r="A3" t="str"><f t="shared" ref="A3:A9" si="0"/><v>x</v></c>',
    '<c r="A3"  s="0"\n  t="n" ><f>1</f></c>',
])
def test_formula_cells_are_refused_in_any_spelling(cell):
    err = refused(workbook(sheet_xml(HEADER_AND_ONE_ROW + f'<row r="3">{cell}</row>')))
    assert (err.key, err.params) == ("ingest.err_formula", {"cell": "A3"})


def test_formula_under_a_namespace_prefix_is_refused():
    rows = (HEADER_AND_ONE_ROW + '<row r="3"><c r="B3"><f>1+1</f></c></row>').replace(
        "<", "<x:").replace("<x:/", "</x:")
    err = refused(workbook(sheet_xml(rows, prefix="x")))
    assert (err.key, err.params) == ("ingest.err_formula", {"cell": "B3"})


def test_merged_header_and_dtd_are_refused():
    merged = sheet_xml(HEADER_AND_ONE_ROW, tail='<mergeCells count="1"><mergeCell ref="A1:B1"/>'
                       '</mergeCells>')
    assert refused(workbook(merged)).params == {"cells": "A1:B1"}
    laughs = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>' + sheet_xml(
                  HEADER_AND_ONE_ROW.replace("<t>x</t>", "<t>&b;</t>")).split("?>", 1)[1])
    assert refused(workbook(laughs)).key == "security.err_dtd"


# ---- archive bombs ----------------------------------------------------------------------

class _RepeatingCompressor:
    """Deflates one big chunk once and repeats its bytes: each piece ends with a full flush
    (byte-aligned, dictionary reset), so the repeats form a valid stream and a 4 GiB bomb is
    built in seconds instead of deflating 4 GiB."""

    def __init__(self, real) -> None:  # noqa: ANN001
        self.real, self.cache = real, {}

    def compress(self, data: bytes) -> bytes:
        key = id(data)
        if key not in self.cache:
            self.cache[key] = self.real.compress(data) + self.real.flush(zlib.Z_FULL_FLUSH)
        return self.cache[key]

    def flush(self, *args) -> bytes:  # noqa: ANN002
        return self.real.flush(*args)


def _zeros(total: int, chunk: int = 16 << 20):
    yield sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>"
    blanks = b" " * chunk
    for _ in range(total // chunk):
        yield blanks


def test_a_bomb_is_refused_on_its_ratio_from_the_directory_alone():
    content = workbook(stream=_zeros(1 << 30))  # 1 GiB of blanks in about 1 MB
    assert len(content) < 2 << 20
    err = refused(content)
    assert err.key == "security.err_zip_ratio" and err.params["member"] == "xl/worksheets/sheet1.xml"
    assert int(err.params["ratio"]) > 1000


def _rows(n: int):
    yield sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>"
    for i in range(2, n):
        yield (f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>{i * 7919 % 100003}</t></is></c>'
               f'<c r="B{i}" t="inlineStr"><is><t>{i}</t></is></c></row>').encode()
    yield b"</sheetData></worksheet>"


def test_a_big_member_under_the_ratio_is_refused_by_the_size_tied_to_the_row_limit(monkeypatch):
    monkeypatch.setattr(xlsx_guard, "MIN_TOTAL", 1 << 20)
    content = workbook(stream=_rows(40_000))  # about 3.6 MB of XML, ratio under 200
    err = refused(content, max_rows=500)  # 500 rows x 2 KiB = 1 MiB allowed
    assert err.key == "security.err_zip_size"
    assert err.params["limit"] == "1" and err.params["rows"] == 500


def test_a_member_lying_about_its_size_is_stopped_when_it_inflates_past_it():
    content = workbook(stream=_rows(40_000), lie_size=5000)
    assert refused(content, max_rows=1_000_000).key in ("ingest.err_bad_xlsx",
                                                        "security.err_bad_xml")


# the child's own peak is its VmHWM: its ru_maxrss starts at its parent's high-water mark
# (Linux keeps it across exec), which counted the pytest worker's gigabyte (CI, 2026-12-07)
CHILD = """
import json, sys, time
sys.path.insert(0, {root!r})
from data_checks.errors import UploadError
from data_checks.parsing import parse_upload


def peak_mb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:")) / 1024


content = sys.stdin.buffer.read()
started = time.perf_counter()
try:
    parse_upload("bomb.xlsx", content)
    key = None
except UploadError as exc:
    key = exc.key
print(json.dumps({{"key": key, "seconds": time.perf_counter() - started, "peak_mb": peak_mb()}}))
"""


def test_refusing_a_4_gib_bomb_takes_little_memory_and_time():
    content = workbook(stream=_zeros(4 << 30, chunk=64 << 20))
    done = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT))], input=content,
                          capture_output=True, check=True, timeout=300)
    out = json.loads(done.stdout)
    assert out["key"] == "security.err_zip_ratio"
    assert out["peak_mb"] < 1024 and out["seconds"] < 5

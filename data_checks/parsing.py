"""Reading an uploaded file into a frame of text cells, refusing what is not a table.

`parse_upload(name, content)` accepts `.csv` (UTF-8, UTF-8 with BOM or GB18030 — GBK is a
subset — detected, never asked) and `.xlsx` (first sheet unless one is named; read with
polars + fastexcel). Every cell comes back as text (`pl.String`): nothing is evaluated, so a
cell such as `=SUM(A1)` or `@cmd` stays the literal text. The frame gets `_row`, the row
number the user sees in Excel (header row = 1). Rows that are entirely empty are dropped.

Refused with an `UploadError` (i18n key + params): wrong extension, empty file, binary
garbage, an old `.xls` or an Excel file renamed `.csv`, mixed encodings in one CSV, over the
size or row limit, a header row only, formulas or merged header cells in an Excel sheet
(found by scanning the sheet XML, which is streaming-fast even for 100,000-row sheets),
blank or repeated header names, cells longer than `MAX_CELL_CHARS` and cells holding
control characters (NUL etc.).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from xml.etree import ElementTree

import polars as pl

from data_checks import xlsx_child, xlsx_guard
from data_checks.errors import UploadError
from data_checks.xlsx_guard import Limits

EXTENSIONS = (".csv", ".xlsx")
MB = 1_000_000  # a megabyte as Streamlit's uploader counts and shows it: one limit, one unit
MAX_CELL_CHARS = 32_767  # Excel's own cell limit; declared columns have tighter lengths
_CONTROL = r"[\x00-\x08\x0b\x0c\x0e-\x1f]"
_XLSX_MAGIC = b"PK\x03\x04"
_XLS_MAGIC = b"\xd0\xcf\x11\xe0"
_NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}


@dataclass(frozen=True)
class ParsedFile:
    frame: pl.DataFrame          # text columns named by the file's headers, plus `_row`
    headers: tuple[str, ...]     # header cells as written (stripped)
    encoding: str                # "utf-8", "utf-8-sig", "gb18030" or "xlsx"
    sheet: str | None = None


def parse_upload(name: str, content: bytes, *, sheet: str | None = None,
                 max_mb: float = 50, max_rows: int = 500_000,
                 max_cols: int | None = None) -> ParsedFile:
    """`max_cols`: the kind's column count (an Excel value further right is refused before
    the sheet is read); None allows 256."""
    ext = PurePath(name or "").suffix.lower()
    if ext not in EXTENSIONS:
        raise UploadError("ingest.err_extension", ext=ext or "—")
    if not content:
        raise UploadError("ingest.err_empty")
    if len(content) > max_mb * MB:
        raise UploadError("ingest.err_too_big", size=f"{len(content) / MB:.1f}", limit=max_mb)
    if ext == ".xlsx":
        cols = None if max_cols is None else max_cols + xlsx_guard.MAX_EXTRA_COLUMNS
        parsed = _read_xlsx(content, sheet, Limits.for_rows(max_rows, cols))
    else:
        parsed = _read_csv(content)
    frame = parsed.frame
    if frame.height == 0:
        raise UploadError("ingest.err_header_only")
    if frame.height > max_rows:
        raise UploadError("ingest.err_too_many_rows", rows=frame.height, limit=max_rows)
    _refuse_long_cells(frame)
    return parsed


# ---- CSV -------------------------------------------------------------------------------

def detect_encoding(content: bytes) -> tuple[str, str]:
    """(encoding, text). UTF-8 (with or without BOM) first, then GB18030; NUL bytes or bytes
    that are neither mean binary; a file whose lines disagree is refused as mixed."""
    head = content[:8192]
    if content.startswith(_XLSX_MAGIC) or content.startswith(_XLS_MAGIC):
        raise UploadError("ingest.err_excel_as_csv")
    if b"\x00" in head:
        raise UploadError("ingest.err_binary")
    if content.startswith(b"\xef\xbb\xbf"):
        try:
            return "utf-8-sig", content[3:].decode("utf-8")
        except UnicodeDecodeError:
            raise UploadError("ingest.err_mixed_encoding") from None
    try:
        return "utf-8", content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # Not UTF-8 as a whole: GB18030 (GBK), unless lines disagree — a line that is valid
    # non-ASCII UTF-8 next to lines that are not means two encodings were pasted together.
    utf8_line = other_line = None
    for number, line in enumerate(content.splitlines(), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
            utf8_line = utf8_line or number
        except UnicodeDecodeError:
            other_line = other_line or number
        if utf8_line and other_line:
            raise UploadError("ingest.err_mixed_encoding_line", line=max(utf8_line, other_line))
    try:
        text = content.decode("gb18030")
    except UnicodeDecodeError:
        raise UploadError("ingest.err_binary") from None
    if _looks_binary(text):
        raise UploadError("ingest.err_binary")
    return "gb18030", text


def _looks_binary(text: str) -> bool:
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\r\n\t")
    return controls > max(2, len(sample) // 100)


def _read_csv(content: bytes) -> ParsedFile:
    encoding, text = detect_encoding(content)
    if _looks_binary(text):
        raise UploadError("ingest.err_binary")
    if not text.strip():
        raise UploadError("ingest.err_empty")
    # Every line ending becomes LF: CRLF (Windows), and a lone CR (old Mac Excel saves
    # CR-only files; a stray CR inside a line would otherwise glue two rows together).
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    separator = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        frame = pl.read_csv(
            io.BytesIO(text.encode("utf-8")), infer_schema=False, separator=separator,
            has_header=True, truncate_ragged_lines=False,
            raise_if_empty=True,
        )
    except pl.exceptions.NoDataError:
        raise UploadError("ingest.err_empty") from None
    except pl.exceptions.PolarsError:
        raise _csv_problem(text, separator) from None
    return ParsedFile(_finish(frame), _headers(frame), encoding)


def _csv_problem(text: str, separator: str) -> UploadError:
    """The reader's (English) complaint, said in Chinese with the line it is on."""
    reader = csv.reader(io.StringIO(text), delimiter=separator, strict=True)
    expected = None
    try:
        for record in reader:
            if expected is None:
                expected = len(record)
            elif len(record) > expected:
                return UploadError("security.err_csv_fields", line=reader.line_num,
                                   found=len(record), expected=expected)
    except csv.Error:
        return UploadError("security.err_csv_quote", line=reader.line_num)
    return UploadError("security.err_csv_malformed")


# ---- Excel -----------------------------------------------------------------------------

def _sheet_paths(zf: zipfile.ZipFile, limits: Limits) -> list[tuple[str, str]]:
    """(sheet name, part path) in workbook order."""
    wb = _small_xml(zf, "xl/workbook.xml", limits)
    rels = _small_xml(zf, "xl/_rels/workbook.xml.rels", limits)
    targets = {r.get("Id"): r.get("Target", "") for r in rels.findall("rel:Relationship", _NS)}
    out = []
    for s in wb.findall("m:sheets/m:sheet", _NS):
        target = targets.get(s.get(f"{{{_NS['r']}}}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out.append((s.get("name", ""), path))
    return out


def _small_xml(zf: zipfile.ZipFile, member: str, limits: Limits) -> ElementTree.Element:
    data = xlsx_guard.read_member(zf, member, limits)
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:  # no entity expansion, ever
        raise UploadError("security.err_dtd")
    return ElementTree.fromstring(data)


def _inspect_xlsx(content: bytes, sheet: str | None, limits: Limits) -> str:
    """Name of the sheet to read, after the archive and the sheet's XML passed the guard
    (sizes, extent, formulas, merged header cells: `data_checks.xlsx_guard`)."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(content))
        xlsx_guard.check_archive(zf, limits)
        sheets = _sheet_paths(zf, limits)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise UploadError("ingest.err_bad_xlsx") from None
    if not sheets:
        raise UploadError("ingest.err_bad_xlsx")
    chosen = sheets[0] if sheet is None else next((s for s in sheets if s[0] == sheet), None)
    if chosen is None:
        raise UploadError("ingest.err_no_sheet", sheet=sheet,
                          sheets="、".join(s[0] for s in sheets))
    if chosen[1] not in zf.namelist():
        raise UploadError("ingest.err_bad_xlsx")
    xlsx_guard.scan_sheet(zf, chosen[1], limits)
    return chosen[0]


def _read_xlsx(content: bytes, sheet: str | None, limits: Limits) -> ParsedFile:
    if content.startswith(_XLS_MAGIC):
        raise UploadError("ingest.err_old_xls")
    if not content.startswith(_XLSX_MAGIC):
        raise UploadError("ingest.err_bad_xlsx")
    name = _inspect_xlsx(content, sheet, limits)
    frame = xlsx_child.read_sheet(content, name)
    if frame.width == 0:
        raise UploadError("ingest.err_empty")
    return ParsedFile(_finish(frame), _headers(frame), "xlsx", name)


# ---- shared ----------------------------------------------------------------------------

def _headers(frame: pl.DataFrame) -> tuple[str, ...]:
    return tuple(c.strip() for c in frame.columns)


def _finish(frame: pl.DataFrame) -> pl.DataFrame:
    headers = _headers(frame)
    for i, h in enumerate(headers, start=1):
        # polars names blank headers "" / "_duplicated_0" / "__UNNAMED__1"
        if not h or h.startswith("__UNNAMED__"):
            raise UploadError("ingest.err_blank_header", col=i)
        if "_duplicated_" in h:
            raise UploadError("ingest.err_duplicate_header", header=h.split("_duplicated_")[0])
    if len(set(headers)) != len(headers):
        dup = next(h for h in headers if headers.count(h) > 1)
        raise UploadError("ingest.err_duplicate_header", header=dup)
    frame = frame.rename(dict(zip(frame.columns, headers, strict=True)))
    # Trim surrounding blanks; an empty or blank cell is a missing value.
    frame = frame.with_columns(
        pl.col(h).str.strip_chars().replace("", None).alias(h) for h in headers
    ).with_row_index("_row", offset=2).with_columns(pl.col("_row").cast(pl.Int64))
    return frame.filter(~pl.all_horizontal(pl.col(h).is_null() for h in headers))


def _refuse_long_cells(frame: pl.DataFrame) -> None:
    """Cells over MAX_CELL_CHARS, or holding control characters (NUL and friends, which no
    database text column accepts), refuse the file naming the first such cell."""
    cols = [c for c in frame.columns if c != "_row"]
    checks = {
        "ingest.err_cell_too_long": lambda c: pl.col(c).str.len_chars() > MAX_CELL_CHARS,
        "ingest.err_control_chars": lambda c: pl.col(c).str.contains(_CONTROL),
    }
    for key, bad in checks.items():
        hits = frame.filter(pl.any_horizontal(bad(c).fill_null(False) for c in cols))
        if hits.height:
            first = hits.head(1)
            col = next(c for c in cols if first.select(bad(c).fill_null(False)).item())
            params = {"row": first["_row"].item(), "column": col}
            if key == "ingest.err_cell_too_long":
                params["limit"] = MAX_CELL_CHARS
            raise UploadError(key, **params)

"""Hostile upload files of issue 17, built in code for one upload kind (never committed as
blobs): `hostile_files(kind, ...)` yields (class, file name, bytes, sheet) for every class
that applies. The workbook parts are minimal but real: the guard and the reader see what
Excel would write, plus the one thing wrong with each file."""

from __future__ import annotations

import csv
import io
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/></Types>')
ROOT_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship '
             f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{_REL}">'
            '<sheets><sheet name="数据" sheetId="1" r:id="rId1"/></sheets></workbook>')
WORKBOOK_RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PKG}"><Relationship '
                 f'Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
DDE = ["=cmd|' /C calc'!A0", "@SUM(1+1)*cmd|' /C calc'!A0", "+HYPERLINK(\"http://127.0.0.1/x\")",
       "-2+3+cmd|' /C notepad'!'A1'", "=DDE(\"cmd\";\"/C calc\";\"!A0\")"]


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def rows_xml(rows: list[list[str]], first: int = 1) -> str:
    out = []
    for i, row in enumerate(rows, start=first):
        cells = "".join(f'<c r="{_letters(j)}{i}" t="inlineStr"><is><t>{_esc(v)}</t></is></c>'
                        for j, v in enumerate(row, start=1) if v != "")
        out.append(f'<row r="{i}">{cells}</row>')
    return "".join(out)


def sheet_xml(rows: str, *, prefix: str = "", tail: str = "") -> str:
    p = f"{prefix}:" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>{rows}'
            f'</{p}sheetData>{tail}</{p}worksheet>')


class _RepeatingCompressor:
    """Deflates one chunk once and repeats its bytes (each piece ends with a full flush), so a
    4 GiB bomb is built in seconds."""

    def __init__(self, real) -> None:  # noqa: ANN001
        self.real, self.cache = real, {}

    def compress(self, data: bytes) -> bytes:
        if id(data) not in self.cache:
            self.cache[id(data)] = self.real.compress(data) + self.real.flush(zlib.Z_FULL_FLUSH)
        return self.cache[id(data)]

    def flush(self, *args) -> bytes:  # noqa: ANN002
        return self.real.flush(*args)


def workbook(sheet: str, *, stream: Iterable[bytes] | None = None, lie_size: int | None = None,
             extra: dict[str, tuple[bytes, int]] | None = None) -> bytes:
    """A minimal .xlsx; `stream` yields the sheet XML in chunks; `lie_size` writes a false
    uncompressed size for the sheet; `extra` adds members {name: (bytes, declared size)}."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", ROOT_RELS)
        zf.writestr("xl/workbook.xml", WORKBOOK)
        zf.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        if stream is None:
            zf.writestr("xl/worksheets/sheet1.xml", sheet)
        else:
            with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
                fh._compressor = _RepeatingCompressor(fh._compressor)
                for chunk in stream:
                    fh.write(chunk)
        if lie_size is not None:
            zf.filelist[-1].file_size = lie_size
        for name, (data, declared) in (extra or {}).items():
            zf.writestr(name, data, compress_type=zipfile.ZIP_STORED)
            zf.filelist[-1].file_size = declared
    return buf.getvalue()


def _blanks(total: int, chunk: int) -> Iterator[bytes]:
    yield sheet_xml("").split("<sheetData>")[0].encode() + b"<sheetData>"
    blanks = b" " * chunk
    for _ in range(total // chunk):
        yield blanks


def bombs() -> dict[str, bytes]:
    """Kind-independent archives, built once: 1 GiB and 4 GiB of blanks (ratio), and
    eight members of 1 MiB of noise that each declare 150 MiB (ratio 150, under the limit;
    1.2 GiB together, over the size tied to the row limit)."""
    noise = {f"xl/media/image{i}.bin": (os.urandom(1 << 20), 150 << 20) for i in range(8)}
    return {
        "bomb_ratio_1gib": workbook("", stream=_blanks(1 << 30, 16 << 20)),
        "bomb_ratio_4gib": workbook("", stream=_blanks(4 << 30, 64 << 20)),
        "bomb_declared_size": workbook(sheet_xml(""), extra=noise),
    }


def csv_bytes(rows: list[list[str]], *, newline: str = "\n", encoding: str = "utf-8") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline, quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buf.getvalue().encode(encoding)


def hostile_files(header: list[str], row: list[str], bomb: dict[str, bytes], *, max_mb: float,
                  max_rows: int) -> Iterator[tuple[str, str, bytes, str | None]]:
    """Every parse-level class for a kind with these headers and one example row."""
    n = len(header)
    good = rows_xml([header, row])
    far = _letters(16384)
    yield "huge_extent_XFD100000", "far.xlsx", workbook(sheet_xml(
        good + f'<row r="100000"><c r="{far}100000" t="inlineStr"><is><t>boom</t></is></c></row>')), None
    yield "row_beyond_limit", "rows.xlsx", workbook(sheet_xml(
        good + f'<row r="{max_rows + 2}"><c r="A{max_rows + 2}" t="inlineStr"><is><t>x</t></is>'
        '</c></row>')), None
    yield "column_beyond_kind", "cols.xlsx", workbook(sheet_xml(
        good + f'<row r="3"><c r="{_letters(n + 11)}3" t="inlineStr"><is><t>x</t></is></c></row>')), None
    for name, content in bomb.items():
        yield name, f"{name}.xlsx", content, None
    yield "member_lying_about_size", "lie.xlsx", workbook(sheet_xml(
        good + rows_xml([row] * 3000, first=3)), lie_size=5000), None
    formulas = {
        "formula_plain": '<c r="A3"><f>1+1</f><v>2</v></c>',
        "formula_attr_order": '<c t="str" r="A3"><f>HYPERLINK("http://x")</f><v>x</v></c>',
        "formula_shared": '<c r="A3" t="str"><f t="shared" ref="A3:A9" si="0"/><v>x</v></c>',
        "formula_spaced_attrs": '<c r="A3"  s="0"\n  t="n" ><f>1</f></c>',
        "formula_no_ref": '<c><f>SUM(1)</f></c>',
    }
    for name, cell in formulas.items():
        yield name, f"{name}.xlsx", workbook(sheet_xml(good + f'<row r="3">{cell}</row>')), None
    prefixed = (good + '<row r="3"><c r="B3"><f>1+1</f></c></row>').replace(
        "<", "<x:").replace("<x:/", "</x:")
    yield "formula_ns_prefix_x_f", "prefix.xlsx", workbook(sheet_xml(prefixed, prefix="x")), None
    laughs = ('<?xml version="1.0"?><!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">'
              '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
              + sheet_xml(rows_xml([header, ["&b;"] + row[1:]]).replace("&amp;b;", "&b;")).split("?>", 1)[1])
    yield "dtd_entities", "laughs.xlsx", workbook(laughs), None
    yield "merged_header", "merged.xlsx", workbook(sheet_xml(
        good, tail='<mergeCells count="1"><mergeCell ref="A1:B1"/></mergeCells>')), None
    yield "bad_cell_ref", "ref.xlsx", workbook(sheet_xml(
        good + '<row r="3"><c r="A1B3" t="inlineStr"><is><t>x</t></is></c></row>')), None
    valid = workbook(sheet_xml(good))
    yield "truncated_zip", "cut.xlsx", valid[: len(valid) // 2], None
    yield "non_zip_bytes", "noise.xlsx", os.urandom(4096), None
    yield "csv_named_xlsx", "text.xlsx", csv_bytes([header, row]), None
    yield "old_xls_magic", "old.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(2048), None
    yield "wrong_sheet", "sheet.xlsx", valid, "不存在的表"
    yield "xlsx_named_csv", "book.csv", valid, None
    yield "wrong_extension", "data.xlsm", valid, None
    yield "no_extension", "data", csv_bytes([header, row]), None
    yield "empty_file", "empty.csv", b"", None
    yield "header_only", "head.csv", csv_bytes([header]), None
    yield "oversize", "big.csv", csv_bytes([header]) + b"x" * int((max_mb + 1) * 1048576), None
    yield "lone_cr_extra_field", "cr.csv", csv_bytes([header, row]) + b"\r" + csv_bytes([row + ["x"]]), None
    yield "cr_only_extra_field", "mac.csv", csv_bytes([header, row, row + ["x"]], newline="\r"), None
    yield "unterminated_quote", "quote.csv", csv_bytes([header]) + b'"' + ",".join(row).encode(), None
    yield "nul_bytes", "nul.csv", csv_bytes([header, row]).replace(b",", b"\x00,", 1), None
    yield "control_chars", "ctl.csv", csv_bytes([header, ["\x07\x1b[31m" + row[0]] + row[1:]]), None
    yield "mixed_encoding", "mixed.csv", (csv_bytes([header, row]) + "甲乙,丙\n".encode("gb18030")
                                          + "甲乙,丙\n".encode()), None
    yield "cell_too_long", "long.csv", csv_bytes([header, ["长" * 40_000] + row[1:]]), None
    yield "blank_header", "blank.csv", csv_bytes([header[:-1] + [""], row]), None
    yield "duplicate_header", "dup.csv", csv_bytes([header + [header[0]], row + row[:1]]), None


def inert_files(header: list[str], row: list[str], text_col: int | None
                ) -> Iterator[tuple[str, str, bytes, str | None]]:
    """Files that are tables: checked and shown, never confirmed by the bench (so they write
    nothing): CR-only and lone-CR line ends (read row by row, not glued), and DDE/formula
    strings as plain text cells (a CSV holds no formulas; Excel shared strings neither)."""
    yield "cr_only_lines", "mac.csv", csv_bytes([header, row, row], newline="\r"), None
    yield "lone_cr_between_rows", "cr.csv", csv_bytes([header, row]) + b"\r" + csv_bytes([row]), None
    if text_col is None:
        return
    dde_rows = [row[:text_col] + [p] + row[text_col + 1:] for p in DDE]
    yield "dde_strings_csv", "dde.csv", csv_bytes([header, *dde_rows]), None
    yield "dde_strings_xlsx", "dde.xlsx", workbook(sheet_xml(rows_xml([header, *dde_rows]))), None

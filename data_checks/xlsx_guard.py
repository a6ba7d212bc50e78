"""Checks an untrusted .xlsx before any Excel reader touches it.

An .xlsx is a zip of XML parts, and the Excel reader (calamine) trusts both: one cell at
`XFD100000` makes it allocate the whole 100,000 x 16,384 range (52 GB, then SIGABRT), and a
small archive can inflate to gigabytes. So, before reading:

* `check_archive`: every member's DECLARED uncompressed size and compression ratio, and their
  total, against limits tied to the row limit (nothing is decompressed yet);
* `scan_sheet`: the chosen sheet's XML is decompressed in chunks and parsed with expat
  (streaming; constant memory whatever the size), counting the bytes really inflated (a
  member that lies about its size is stopped at the limit, and zipfile's CRC check catches
  the lie). It refuses a cell holding a value beyond the row limit or the kind's columns, a
  formula (`<f>` under any prefix, attributes in any order), a merged header cell and a DTD
  (entity expansion).

Only then does `data_checks.xlsx_child` read the workbook, in a child process under memory
limits, so whatever the reader still does wrong cannot take the server down."""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from xml.parsers import expat

from data_checks.errors import UploadError

MAX_RATIO = 200              # deflate tops out near 1,030:1; real sheets stay far below 200:1
RATIO_FLOOR = 1 << 20        # small parts (styles, rels) may compress as they like
BYTES_PER_ROW = 2048         # inflated XML allowed per permitted row, all parts together
MIN_TOTAL = 64 << 20         # ... but never less than this (small row limits in tests)
MAX_EXTRA_COLUMNS = 10       # columns beyond the kind's, reported by the header checks instead
CHUNK = 1 << 20
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


@dataclass(frozen=True)
class Limits:
    max_rows: int            # data rows (the header is row 1)
    max_cols: int            # columns a value may sit in
    max_bytes: int           # inflated bytes of all members together

    @classmethod
    def for_rows(cls, max_rows: int, max_cols: int | None = None) -> Limits:
        return cls(max_rows=max_rows, max_cols=max_cols or 256,
                   max_bytes=max(MIN_TOTAL, max_rows * BYTES_PER_ROW))


def column_number(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def _mib(n: int) -> str:
    return f"{n / 1048576:.0f}"


def check_archive(zf: zipfile.ZipFile, limits: Limits) -> None:
    """Refuse from the central directory alone: no member is inflated here."""
    total = 0
    for info in zf.infolist():
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise UploadError("security.err_zip_ratio", member=info.filename[:80],
                              ratio=f"{ratio:.0f}", limit=MAX_RATIO)
        if total > limits.max_bytes:
            raise UploadError("security.err_zip_size", size=_mib(total),
                              limit=_mib(limits.max_bytes), rows=limits.max_rows)


def read_member(zf: zipfile.ZipFile, name: str, limits: Limits) -> bytes:
    """A small part (workbook, rels) read whole, but never past the byte limit."""
    with zf.open(name) as fh:
        data = fh.read(limits.max_bytes + 1)
    if len(data) > limits.max_bytes:
        raise UploadError("security.err_zip_size", size=_mib(len(data)),
                          limit=_mib(limits.max_bytes), rows=limits.max_rows)
    return data


class _SheetScanner:
    """expat callbacks tracking the position of every cell (explicit `r` or implied by
    order) and refusing the first one that must not be read. Kept lean: it runs for every
    element of sheets with millions of cells."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.last_letters = column_letters(limits.max_cols)
        self.row = 0
        self.col = 0           # column number of a cell without `r` (implied by order)
        self.letters = ""      # column letters of the current cell ("" = use self.col)
        self.max_row = 0
        self.max_col = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(" ")[2]  # namespace-resolved: any prefix, same local name
        if local == "t":  # text of an inline or rich string: the commonest element
            return
        if local == "c":
            ref = attrs.get("r")
            if ref is None:
                self.col += 1
                self.letters = ""
                return
            letters = ref.rstrip("0123456789")
            digits = ref[len(letters):]
            if not digits or not letters.isalpha() or len(letters) > 3 or len(digits) > 7:
                raise UploadError("security.err_bad_ref", cell=ref[:20])
            self.row = int(digits)
            self.letters = letters.upper()
            self.col = 0
        elif local == "v" or local == "is":
            self._valued()
        elif local == "row":
            r = attrs.get("r")
            self.row = int(r) if r and r.isdigit() else self.row + 1
            self.col = 0
            self.letters = ""
        elif local == "f":
            raise UploadError("ingest.err_formula", cell=self._cell())
        elif local == "mergeCell":
            self._merge(attrs.get("ref", ""))

    def _cell(self) -> str:
        return f"{self.letters or column_letters(self.col)}{self.row}"

    def _valued(self) -> None:
        lim = self.limits
        if self.row > lim.max_rows + 1:
            raise UploadError("security.err_sheet_rows", cell=self._cell(), row=self.row,
                              limit=lim.max_rows)
        if self.letters:
            if self.col == 0:  # first value of this cell: its column number, once
                self.col = column_number(self.letters)
        if self.col > lim.max_cols:
            raise UploadError("security.err_sheet_cols", cell=self._cell(),
                              last=self.last_letters, limit=lim.max_cols)
        if self.row > self.max_row:
            self.max_row = self.row
        if self.col > self.max_col:
            self.max_col = self.col

    def _merge(self, ref: str) -> None:
        parts = ref.split(":")
        matches = [_REF.match(p) for p in parts]
        if not parts or not all(matches):
            raise UploadError("security.err_bad_ref", cell=ref[:20])
        rows = [int(m.group(2)) for m in matches if m]
        if min(rows) <= 1 <= max(rows):
            raise UploadError("ingest.err_merged_header", cells=ref)


def _refuse_dtd(*_args: object) -> None:
    raise UploadError("security.err_dtd")


def new_parser(start) -> expat.XMLParserType:  # noqa: ANN001
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = start
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_dtd
    return parser


def scan_sheet(zf: zipfile.ZipFile, member: str, limits: Limits) -> tuple[int, int]:
    """(last row, last column) holding a value; refuses as described in the module doc."""
    scanner = _SheetScanner(limits)
    parser = new_parser(scanner.start)
    inflated = 0
    try:
        with zf.open(member) as fh:
            while chunk := fh.read(CHUNK):
                inflated += len(chunk)
                if inflated > limits.max_bytes:
                    raise UploadError("security.err_zip_size", size=_mib(inflated),
                                      limit=_mib(limits.max_bytes), rows=limits.max_rows)
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except UploadError:
        raise
    except expat.ExpatError as exc:
        raise UploadError("security.err_bad_xml", member=member, line=exc.lineno) from None
    except (zipfile.BadZipFile, EOFError, OSError, ValueError):
        # CRC mismatch (a member larger than it declared), truncated or corrupt data
        raise UploadError("ingest.err_bad_xlsx") from None
    return scanner.max_row, scanner.max_col

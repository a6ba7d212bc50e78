"""The upload-kind registry: one declaration per kind drives the template, the checks, the
single-record entry form and the write. There is no second list of columns anywhere.

Declaring a kind (in the system's module `data_checks/kinds/<system>.py`, listed in its
`KINDS` tuple; `startup.boot()` registers the kinds of every system named in `systems.py`)::

    from data_checks.kinds import Column, CrossCheck, Reference, UploadKind

    POWERS = UploadKind(
        key="powers",                       # used in URLs, the CLI and ImportBatch.kind
        title_key="power.upload_title",     # i18n key of the kind's name
        table="power",                      # target table (SQLModel.metadata.tables[...])
        natural_key=("code", "version"),    # upsert key; needs a UNIQUE constraint / PK
        roles=frozenset({"admin", "data_officer"}),
        columns=(
            Column("code", "职权编码", "Power code", required=True, pattern=r"[A-Z0-9-]{4,32}"),
            Column("category", "职权类别", "Category", required=True,
                   choices={"行政许可": ("行政许可", "licence"), ...}),
            Column("statutory_limit_days", "法定时限", "Statutory limit", type="int",
                   min_value=0, max_value=365),
            Column("department_code", "部门代码", "Department code", required=True,
                   write=False),          # not a table column: resolved through a Reference
            ...
        ),
        references=(Reference("department_code", "department", "code",
                              fetch={"id": "department_id", "region_code": "region_code"},
                              scope_column="region_code", scope_department=True),),
        checks=(CrossCheck("promised_limit_days",
                           pl.col("promised_limit_days") > pl.col("statutory_limit_days"),
                           "power.err_promised_over_statutory"),),
    )
    KINDS = (POWERS, ...)

Column
    `field` (frame/table column), `zh` / `en` headers (both accepted, plus `aliases`), `type`
    one of text / int / float / money (yuan, exact: at most two decimals, pl.Decimal(14, 2))
    / bool / date / time (HH:MM text; Excel time cells, `9:30`) / list (comma-separated,
    e.g. roles), `required`,
    `choices` {stored value: accepted spellings, the first shown in templates and forms},
    `pattern` (full-match regex on the text), `min_value` / `max_value` (numbers and dates),
    `max_length` (text), `default` (value for an empty optional cell), `write` (False: the
    column only feeds references or checks), `help_zh` / `help_en`, `example`.
Reference (checked in `services.platform.ingest` with a query scoped to the uploader)
    the value in `field` must exist in `table.key`; `fetch` copies target columns into the
    frame (e.g. a department's id); `scope_column` names the target's region column that must
    lie in the uploader's scope; `scope_department` also requires the uploader's department
    when they have one; `in_file` also accepts a natural key of another row of the same file;
    `as_of` picks, among the rows sharing the key (versions), the one in force on the row's
    date (metrics.platform.versions.in_force_on), an error when none was.
CrossCheck
    a polars expression that is True on a failing row, reported on `field` with message
    `message_key` ({value} and the `params` are available to the message). `checks` run on
    the typed frame, `post_checks` after references and `derive`.
StoredCheck
    file rows against the rows already stored in the kind's table that share `group` with
    them (a stored row the file replaces, same natural key, is left out): `fail(frame,
    stored)` is a pure polars function giving the `_row`s that fail (e.g. a suspension that
    overlaps one already stored for its case); reported on `field` with `message_key`.
    Run after the `post_checks`, on the upload, the entry form and the re-check at commit.
UploadKind
    `scope_field`: the upload column holding a region code that must be in the uploader's
    scope; `fixed`: fields an existing row may not change; `derive`: pure polars function
    frame -> frame run after references (e.g. a region's materialised path), `derived` the
    table columns it adds;
    `insert_defaults`: values written only when a row is new (never overwrite, e.g. a
    user's password hash stays untouched); `notice_key`: a message shown with the upload;
    `writer`: "module:function(*, session, rows, actor, scope)" that writes the checked rows
    itself instead of the plain upsert (rows whose records need more than a row: a ticket's
    number, cipher and first timeline event), in the same transaction; `desk_only`: only
    users without a department (the hotline desk) and admins may upload the kind.

Messages are i18n keys; every check reports (Excel row, field, value, message key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import polars as pl

COLUMN_TYPES = ("text", "int", "float", "money", "bool", "date", "time", "list")
TRUE_WORDS = ("是", "true", "yes", "y", "1", "在用", "启用", "有效")
FALSE_WORDS = ("否", "false", "no", "n", "0", "停用", "禁用", "无效")


@dataclass(frozen=True)
class Column:
    field: str
    zh: str
    en: str
    type: str = "text"
    required: bool = False
    choices: Mapping[str, tuple[str, ...]] | None = None
    pattern: str | None = None
    min_value: Any = None
    max_value: Any = None
    max_length: int = 200
    default: Any = None
    write: bool = True
    aliases: tuple[str, ...] = ()
    help_zh: str = ""
    help_en: str = ""
    example: str = ""

    def __post_init__(self) -> None:
        if self.type not in COLUMN_TYPES:
            raise ValueError(f"column {self.field}: unknown type {self.type!r}")

    def header(self, lang: str) -> str:
        return self.zh if lang == "zh_CN" else self.en

    def names(self) -> tuple[str, ...]:
        """Every header spelling that maps to this column (compared case-insensitively)."""
        return (self.zh, self.en, self.field, *self.aliases)

    def choice_label(self, value: str, lang: str = "zh_CN") -> str:
        if not self.choices or value not in self.choices:
            return value
        spellings = self.choices[value]
        en = next((s for s in spellings if s.isascii()), value)
        return spellings[0] if lang == "zh_CN" else en


@dataclass(frozen=True)
class AsOf:
    """A reference to a versioned row: the one whose validity (timestamps `valid_from` …
    `valid_until`, exclusive, in the target table; taken as Shanghai dates) holds the frame's
    date column `on`."""
    on: str
    valid_from: str
    valid_until: str


@dataclass(frozen=True)
class Reference:
    field: str
    table: str
    key: str
    fetch: Mapping[str, str] = field(default_factory=dict)
    scope_column: str | None = None
    scope_department: bool = False
    in_file: bool = False
    as_of: AsOf | None = None


@dataclass(frozen=True)
class CrossCheck:
    field: str
    fail: pl.Expr
    message_key: str
    params: Mapping[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class StoredCheck:
    group: str
    columns: tuple[str, ...]
    fail: Callable[[pl.DataFrame, pl.DataFrame], pl.Series]
    field: str
    message_key: str


@dataclass(frozen=True)
class UploadKind:
    key: str
    title_key: str
    table: str
    natural_key: tuple[str, ...]
    columns: tuple[Column, ...]
    roles: frozenset[str]
    scope_field: str | None = None
    references: tuple[Reference, ...] = ()
    checks: tuple[CrossCheck, ...] = ()
    post_checks: tuple[CrossCheck, ...] = ()
    stored_checks: tuple[StoredCheck, ...] = ()
    derive: Callable[[pl.DataFrame], pl.DataFrame] | None = None
    derived: tuple[str, ...] = ()
    fixed: tuple[str, ...] = ()
    insert_defaults: Mapping[str, Callable[[], Any] | Any] = field(default_factory=dict)
    notice_key: str | None = None
    writer: str | None = None
    desk_only: bool = False

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)

    def headers(self, lang: str = "zh_CN") -> dict[str, str]:
        """field -> header in `lang` (Chinese for error reports)."""
        return {c.field: c.header(lang) for c in self.columns}

    def write_columns(self) -> list[str]:
        """Table columns written: declared columns with write=True plus fetched ones."""
        cols = [c.field for c in self.columns if c.write]
        for ref in self.references:
            cols += [v for v in ref.fetch.values() if not v.startswith("_") and v not in cols]
        return cols + [c for c in self.derived if c not in cols]


_KINDS: dict[str, UploadKind] = {}


def register(kind: UploadKind) -> UploadKind:
    """Add a kind (once per key); returns it so modules can keep a name for it."""
    if kind.key in _KINDS and _KINDS[kind.key] != kind:
        raise ValueError(f"upload kind {kind.key!r} is already registered")
    unknown = [k for k in kind.natural_key if k not in {c.field for c in kind.columns}]
    if unknown:
        raise ValueError(f"upload kind {kind.key!r}: natural key {unknown} not among columns")
    _KINDS[kind.key] = kind
    return kind


def get_kind(key: str) -> UploadKind:
    try:
        return _KINDS[key]
    except KeyError:
        raise KeyError(f"unknown upload kind {key!r}; known: {', '.join(sorted(_KINDS))}") from None


def all_kinds() -> list[UploadKind]:
    return list(_KINDS.values())


def kinds_for_roles(roles: tuple[str, ...] | list[str]) -> list[UploadKind]:
    return [k for k in _KINDS.values() if k.roles.intersection(roles)]

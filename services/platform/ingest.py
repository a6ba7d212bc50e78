"""The one upload pipeline: parse -> check -> references -> preview -> commit.

`prepare` reads a file (or `prepare_record` one entry-form record), runs every check of the
kind (data_checks) and the database checks that need the caller's scope (references, rows
out of scope, fields an existing row may not change), and returns a `Prepared` with the
row-level errors or a preview (new / changed / unchanged). A rejected file, and a file that
changes nothing, is recorded as an ImportBatch straight away. `commit` re-checks against the
database inside ONE transaction, upserts the new and changed rows by natural key with bulk
`INSERT ... ON CONFLICT DO UPDATE` statements (SQLite and PostgreSQL), records the batch and
its audit event in the same transaction, then runs `AFTER_COMMIT_HOOKS`.

Same file content again (its sha256 was committed for the kind before): nothing changes and
the result says so. Any error: nothing is written except the rejected batch record."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any

import polars as pl
from sqlalchemy import Table, any_, bindparam, literal, select, text
from sqlalchemy import column as sa_column
from sqlalchemy import table as sa_table
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel

import models  # noqa: F401  (every table registered in the metadata)
from core.errors import AppError
from data_checks import checks, suites
from data_checks.errors import ErrorList, UploadError, empty_errors, errors_where, render_errors
from data_checks.kinds import UploadKind, get_kind
from data_checks.parsing import parse_upload
from models.db import session_scope
from models.imports import ImportBatch
from services.platform import audit
from services.platform.export import to_xlsx
from services.platform.scope import Scope
from services.platform.settings import get_settings

# Run after every successful import commit with (engine, actor): filled by startup.boot() from
# the systems manifest (the lights' sync among them).
AFTER_COMMIT_HOOKS: list[Callable[[Engine, str], None]] = []

PREVIEW_ROWS = 20
CHUNK = 5000
Progress = Callable[[str, float], None]


class IngestError(AppError):
    """A commit that cannot go ahead; `key` names the i18n message."""


@dataclass
class Prepared:
    kind: str
    file_name: str
    sha256: str
    status: str  # rejected / unchanged / ready / committed / dry_run
    rows_total: int = 0
    rows_new: int = 0
    rows_changed: int = 0
    rows_unchanged: int = 0
    errors: pl.DataFrame = field(default_factory=empty_errors)
    preview: pl.DataFrame = field(default_factory=pl.DataFrame)
    message_key: str = ""
    message_params: dict[str, Any] = field(default_factory=dict)
    batch_id: int | None = None
    encoding: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    frame: pl.DataFrame | None = field(default=None, repr=False)  # checked rows, for commit
    lang: str = "zh_CN"

    @property
    def ok(self) -> bool:
        return self.status in ("ready", "committed", "unchanged", "dry_run")


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _noop(stage: str, fraction: float) -> None:
    return None


def _allowed_kind(kind_key: str, roles: tuple[str, ...] | None) -> UploadKind:
    kind = get_kind(kind_key)
    if roles is not None and not kind.roles.intersection(roles):
        raise IngestError("ingest.err_kind_forbidden")
    return kind


# ---- public entry points ---------------------------------------------------------------

def prepare(engine: Engine, kind_key: str, file_name: str, content: bytes, *, actor: str,
            scope: Scope, lang: str = "zh_CN", sheet: str | None = None,
            progress: Progress | None = None, roles: tuple[str, ...] | None = None) -> Prepared:
    """Parse and check an uploaded file; nothing is written except a rejected / unchanged
    batch record. `roles` (the page passes the user's) must include one of the kind's."""
    progress = progress or _noop
    kind = _allowed_kind(kind_key, roles)
    settings = get_settings()
    result = Prepared(kind=kind.key, file_name=file_name, sha256=sha256_of(content),
                      status="ready", lang=lang)
    started = time.perf_counter()
    progress("parse", 0.0)
    try:
        parsed = parse_upload(file_name, content, sheet=sheet, max_mb=settings.upload_max_mb,
                              max_rows=settings.upload_max_rows)
    except UploadError as exc:
        result.errors = _file_error(exc)
        result.timings["parse"] = time.perf_counter() - started
        return _reject(engine, result, kind, actor=actor, scope=scope)
    result.encoding = parsed.encoding
    result.rows_total = parsed.frame.height
    result.timings["parse"] = time.perf_counter() - started
    earlier = _committed_batch(engine, kind.key, result.sha256)
    if earlier is not None:
        result.status = "unchanged"
        result.message_key = "ingest.same_file"
        result.message_params = {"batch": earlier.id}
        result.rows_unchanged = result.rows_total
        return _record(engine, result, kind, actor=actor, scope=scope)
    return _check_and_preview(engine, kind, parsed.frame, result, actor=actor, scope=scope,
                              progress=progress)


def prepare_record(engine: Engine, kind_key: str, values: Mapping[str, Any], *, actor: str,
                   scope: Scope, lang: str = "zh_CN",
                   roles: tuple[str, ...] | None = None) -> Prepared:
    """One record from the entry form, as text cells, through the same checks."""
    kind = _allowed_kind(kind_key, roles)
    text = {c.field: _as_text(values.get(c.field)) for c in kind.columns}
    payload = json.dumps(text, ensure_ascii=False, sort_keys=True).encode("utf-8")
    frame = pl.DataFrame({"_row": [2], **{k: [v] for k, v in text.items()}},
                         schema={"_row": pl.Int64, **{k: pl.String for k in text}})
    result = Prepared(kind=kind.key, file_name="form", sha256=sha256_of(payload),
                      status="ready", rows_total=1, lang=lang, encoding="form")
    return _check_and_preview(engine, kind, frame.with_columns(
        pl.col(k).str.strip_chars().replace("", None) for k in text), result, actor=actor,
        scope=scope, progress=_noop, mapped=True)


def commit(engine: Engine, prepared: Prepared, *, actor: str, scope: Scope,
           progress: Progress | None = None) -> Prepared:
    """Write a prepared (status ready) upload in one transaction; re-checks the database
    first. Returns the result with status committed (or rejected if the database changed
    under it)."""
    progress = progress or _noop
    if prepared.status != "ready" or prepared.frame is None:
        raise IngestError("ingest.err_not_ready")
    kind = get_kind(prepared.kind)
    started = time.perf_counter()
    progress("write", 0.0)
    with session_scope(engine) as s:
        frame, errors = _database_checks(s, kind, prepared.frame, scope)
        if errors.height:
            prepared.errors = errors
        else:
            frame = _diff(s, kind, frame)
            todo = frame.filter(pl.col("__status") != "unchanged")
            _upsert(s, kind, todo, progress)
            counts = _counts(frame)
            prepared.rows_new, prepared.rows_changed, prepared.rows_unchanged = counts
            prepared.status = "committed"
            prepared.message_key = "ingest.committed"
            prepared.message_params = {"new": counts[0], "changed": counts[1],
                                       "unchanged": counts[2]}
            batch = _batch_row(prepared, actor=actor, scope=scope)
            s.add(batch)
            s.flush()
            audit.record(s, actor=actor, action="import.commit", entity_type="import_batch",
                         entity_id=batch.id, after=_batch_summary(batch))
            prepared.batch_id = batch.id
    if prepared.errors.height:
        prepared.status = "rejected"
        return _reject(engine, prepared, kind, actor=actor, scope=scope)
    prepared.timings["write"] = time.perf_counter() - started
    progress("write", 1.0)
    for hook in AFTER_COMMIT_HOOKS:
        hook(engine, actor)
    return prepared


def dry_run(engine: Engine, prepared: Prepared, *, actor: str, scope: Scope) -> Prepared:
    """Record a checked file that was not written (CLI --dry-run)."""
    if prepared.status == "ready":
        prepared.status = "dry_run"
        prepared.message_key = "ingest.dry_run"
        return _record(engine, prepared, get_kind(prepared.kind), actor=actor, scope=scope)
    return prepared


def error_report(prepared_errors: pl.DataFrame, kind_key: str, lang: str,
                 limit: int | None = None) -> pl.DataFrame:
    """The user's error table (row, column by Chinese header, value, message in `lang`)."""
    return render_errors(prepared_errors, get_kind(kind_key).headers("zh_CN"), lang, limit)


def error_report_xlsx(prepared_errors: pl.DataFrame, kind_key: str, lang: str) -> bytes:
    return to_xlsx({"errors": error_report(prepared_errors, kind_key, lang)})


# ---- history ---------------------------------------------------------------------------

BATCH_SCHEMA = {
    "id": pl.Int64, "created_at": pl.Datetime("us", "UTC"), "kind": pl.String,
    "file_name": pl.String, "status": pl.String, "rows_total": pl.Int64, "rows_new": pl.Int64,
    "rows_changed": pl.Int64, "rows_unchanged": pl.Int64, "rows_rejected": pl.Int64,
    "actor": pl.String, "region_code": pl.String, "has_report": pl.Boolean,
}


def batches_frame(engine: Engine, scope: Scope, *, kind: str | None = None,
                  limit: int = 500) -> pl.DataFrame:
    """Import batches in the caller's scope (by the uploader's region), newest first."""
    stmt = (
        select(ImportBatch.id, ImportBatch.created_at, ImportBatch.kind, ImportBatch.file_name,
               ImportBatch.status, ImportBatch.rows_total, ImportBatch.rows_new,
               ImportBatch.rows_changed, ImportBatch.rows_unchanged, ImportBatch.rows_rejected,
               ImportBatch.actor, ImportBatch.region_code,
               ImportBatch.error_report.is_not(None).label("has_report"))
        .where(scope.region_filter(ImportBatch.region_code))
        .order_by(ImportBatch.id.desc()).limit(limit)
    )
    if kind:
        stmt = stmt.where(ImportBatch.kind == kind)
    with Session(engine) as s:
        rows = s.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=BATCH_SCHEMA, orient="row")


def batch_error_report(engine: Engine, scope: Scope, batch_id: int) -> bytes | None:
    with Session(engine) as s:
        return s.execute(
            select(ImportBatch.error_report).where(ImportBatch.id == batch_id)
            .where(scope.region_filter(ImportBatch.region_code))
        ).scalar_one_or_none()


# ---- the stages ------------------------------------------------------------------------

def _check_and_preview(engine: Engine, kind: UploadKind, frame: pl.DataFrame, result: Prepared,
                       *, actor: str, scope: Scope, progress: Progress,
                       mapped: bool = False) -> Prepared:
    started = time.perf_counter()
    progress("check", 0.0)
    errors = ErrorList()
    if not mapped:
        frame, header_errors = checks.map_headers(frame, kind)
        errors.add(header_errors)
    typed = None
    if not errors:
        typed, row_errors = checks.check_rows(frame, kind)
        errors.add(row_errors)
        progress("check", 0.4)
        if not errors:
            # The declared suite; the vectorised pre-checks above carry the row detail.
            errors.add(suites.run_suite(typed, kind))
    result.timings["check"] = time.perf_counter() - started
    progress("check", 0.7)
    if errors and typed is not None and mapped_ok(errors):
        # Row errors already: still report references and scope in the same pass, except
        # for cells that already have an error.
        with Session(engine) as s:
            db_errors = _database_checks(s, kind, typed, scope)[1]
        errors.add(db_errors.join(errors.frame().select("row", "field"), on=["row", "field"],
                                  how="anti", nulls_equal=True))
    if errors:
        result.errors = errors.frame()
        return _reject(engine, result, kind, actor=actor, scope=scope)
    started = time.perf_counter()
    with Session(engine) as s:
        typed, db_errors = _database_checks(s, kind, typed, scope)
        if db_errors.height:
            result.errors = db_errors
            result.timings["references"] = time.perf_counter() - started
            return _reject(engine, result, kind, actor=actor, scope=scope)
        diffed = _diff(s, kind, typed)
    result.timings["references"] = time.perf_counter() - started
    progress("check", 1.0)
    result.rows_new, result.rows_changed, result.rows_unchanged = _counts(diffed)
    result.preview = _preview(diffed, kind, result.lang)
    result.frame = typed
    if result.rows_new + result.rows_changed == 0:
        result.status = "unchanged"
        result.message_key = "ingest.nothing_changed"
        result.frame = None
        return _record(engine, result, kind, actor=actor, scope=scope)
    result.message_key = "ingest.ready"
    result.message_params = {"new": result.rows_new, "changed": result.rows_changed,
                             "unchanged": result.rows_unchanged}
    return result


def mapped_ok(errors: ErrorList) -> bool:
    """True when the errors are row-level only (the headers mapped)."""
    return all(p["row"].is_not_null().all() for p in errors.parts)


def _table(kind: UploadKind) -> Table:
    return SQLModel.metadata.tables[kind.table]


def _select_in(s: Session, columns: list, key: Any, values: list) -> list:
    """Rows of `columns` whose `key` is one of `values`: one `= ANY(array)` query on
    PostgreSQL (one parameter, however many values), chunked `IN (...)` on SQLite."""
    if not values:
        return []
    if s.get_bind().dialect.name == "postgresql":
        cond = key == any_(bindparam("ingest_values", values, type_=ARRAY(key.type)))
        return s.execute(select(*columns).where(cond)).all()
    out: list = []
    for i in range(0, len(values), CHUNK):
        out += s.execute(select(*columns).where(key.in_(values[i:i + CHUNK]))).all()
    return out


def _dtype(column: Any) -> pl.DataType:
    try:
        py = column.type.python_type
    except NotImplementedError:
        return pl.String
    return {int: pl.Int64, bool: pl.Boolean, float: pl.Float64}.get(py, pl.String)


def _plain(v: Any) -> Any:
    return v.value if isinstance(v, Enum) else v


def _database_checks(s: Session, kind: UploadKind, frame: pl.DataFrame,
                     scope: Scope) -> tuple[pl.DataFrame, pl.DataFrame]:
    """References (exist, in scope), uploader's scope, derive, post-checks, fixed fields."""
    errors = ErrorList()
    codes = None if scope.is_all else sorted(scope.region_codes or ())
    if kind.scope_field and codes is not None:
        errors.add(errors_where(
            frame, pl.col(kind.scope_field).is_not_null() & ~pl.col(kind.scope_field).is_in(codes),
            field_name=kind.scope_field, key="ingest.err_out_of_scope"))
    for ref in kind.references:
        table = SQLModel.metadata.tables[ref.table]
        wanted = [ref.key, *ref.fetch]
        if ref.scope_column and ref.scope_column not in wanted:
            wanted.append(ref.scope_column)
        values = frame[ref.field].drop_nulls().unique().to_list()
        rows = _select_in(s, [table.c[c] for c in wanted], table.c[ref.key], values)
        names = [f"__ref_{c}" for c in wanted]
        found = pl.DataFrame([tuple(_plain(v) for v in r) for r in rows], schema=names,
                             orient="row") if rows else pl.DataFrame(schema=names)
        found = found.with_columns(
            pl.col(f"__ref_{c}").cast(frame.schema[ref.field] if c == ref.key
                                      else _dtype(table.c[c])) for c in wanted)
        joined = frame.join(found.with_columns(pl.lit(True).alias("__ref_found")),
                            left_on=ref.field, right_on=f"__ref_{ref.key}", how="left",
                            coalesce=False, maintain_order="left")
        missing = pl.col(ref.field).is_not_null() & pl.col("__ref_found").is_null()
        if ref.in_file:
            in_file = frame[kind.natural_key[0]].drop_nulls().to_list()
            missing = missing & ~pl.col(ref.field).is_in(in_file)
        errors.add(errors_where(joined, missing, field_name=ref.field, key="ingest.err_ref_missing"))
        if ref.scope_column and codes is not None:
            errors.add(errors_where(
                joined, pl.col("__ref_found").is_not_null()
                & ~pl.col(f"__ref_{ref.scope_column}").is_in(codes),
                field_name=ref.field, key="ingest.err_out_of_scope"))
        if ref.scope_department and scope.department_id is not None and "id" in wanted:
            errors.add(errors_where(
                joined, pl.col("__ref_found").is_not_null()
                & (pl.col("__ref_id") != scope.department_id),
                field_name=ref.field, key="ingest.err_out_of_department"))
        frame = joined.with_columns(
            pl.col(f"__ref_{src}").alias(dst) for src, dst in ref.fetch.items()
        ).select(pl.exclude("^__ref_.*$"))
    if errors:
        return frame, errors.frame()
    if kind.derive is not None:
        frame = kind.derive(frame)
    for check in kind.post_checks:
        errors.add(checks.run_cross_check(frame, check))
    # Existing rows: may not move out of scope nor change fixed fields.
    watched = [f for f in {*kind.fixed, *([kind.scope_field] if kind.scope_field else [])}
               if f in _table(kind).c]
    if watched:
        existing = _existing(s, kind, frame, watched)
        if existing.height:
            joined = frame.join(existing, on=list(kind.natural_key), how="inner")
            for f in kind.fixed:
                if f in watched:
                    errors.add(errors_where(
                        joined, pl.col(f).ne_missing(pl.col(f"__old_{f}")), field_name=f,
                        key="ingest.err_fixed", params={}, value=pl.col(f)))
            if kind.scope_field in watched and codes is not None:
                errors.add(errors_where(
                    joined, pl.col(f"__old_{kind.scope_field}").is_not_null()
                    & ~pl.col(f"__old_{kind.scope_field}").is_in(codes),
                    field_name=kind.natural_key[0], key="ingest.err_existing_out_of_scope"))
    return frame, errors.frame()


def _existing(s: Session, kind: UploadKind, frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    """Stored values of `columns` (as `__old_<col>`) for the file's natural keys."""
    table = _table(kind)
    keys = list(kind.natural_key)
    key_values = frame.select(keys).unique()
    # Filtered on the first key part; further parts are matched by the join that follows.
    rows = _select_in(s, [table.c[c] for c in keys + columns], table.c[keys[0]],
                      key_values[keys[0]].drop_nulls().unique().to_list())
    schema = {k: frame.schema[k] for k in keys}
    schema |= {f"__old_{c}": frame.schema[c] if c in frame.columns else pl.String for c in columns}
    return pl.DataFrame([tuple(_plain(v) for v in r) for r in rows], schema=schema,
                        orient="row", strict=False)


def _diff(s: Session, kind: UploadKind, frame: pl.DataFrame) -> pl.DataFrame:
    """Adds `__status`: new / changed / unchanged against the stored rows."""
    write = checks.write_values(frame, kind)
    compare = [c for c in kind.write_columns() if c not in kind.natural_key
               and c not in kind.insert_defaults]
    existing = _existing(s, kind, write, compare).with_columns(pl.lit(True).alias("__exists"))
    joined = write.join(existing, on=list(kind.natural_key), how="left", maintain_order="left")
    changed = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"__old_{c}")) for c in compare) \
        if compare else pl.lit(False)
    return joined.with_columns(
        pl.when(pl.col("__exists").is_null()).then(pl.lit("new"))
        .when(changed).then(pl.lit("changed")).otherwise(pl.lit("unchanged"))
        .alias("__status")
    ).select(pl.exclude("^__old_.*$", "__exists"))


def _counts(diffed: pl.DataFrame) -> tuple[int, int, int]:
    counts = dict(diffed.group_by("__status").len().iter_rows())
    return counts.get("new", 0), counts.get("changed", 0), counts.get("unchanged", 0)


def _preview(diffed: pl.DataFrame, kind: UploadKind, lang: str) -> pl.DataFrame:
    from i18n import translate

    cols = [c for c in kind.columns]
    status = {k: translate(f"ingest.status_{k}", lang) for k in ("new", "changed", "unchanged")}
    return diffed.head(PREVIEW_ROWS).select(
        pl.col("_row").alias(translate("ingest.err_col_row", lang)),
        pl.col("__status").replace_strict(status, return_dtype=pl.String)
        .alias(translate("ingest.col_result", lang)),
        *(pl.col(c.field).cast(pl.String).alias(c.header(lang)) for c in cols),
    )


def _upsert(s: Session, kind: UploadKind, todo: pl.DataFrame, progress: Progress) -> None:
    if todo.height == 0:
        return
    table = _table(kind)
    columns = [c for c in kind.write_columns() if c in table.c]
    defaults = {k: (v() if callable(v) else v) for k, v in kind.insert_defaults.items()
                if k in table.c and k not in columns}
    updates = [c for c in columns if c not in kind.natural_key]
    if s.get_bind().dialect.name == "postgresql":
        _upsert_postgres(s, table, todo.select(columns), defaults, kind.natural_key, updates)
        progress("write", 1.0)
        return
    rows = todo.select(columns).to_dicts()
    if defaults:
        rows = [r | defaults for r in rows]
    stmt = _on_conflict(sqlite_insert(table), table, kind.natural_key, updates)
    for i in range(0, len(rows), CHUNK):
        s.execute(stmt, rows[i:i + CHUNK])
        progress("write", min(1.0, (i + CHUNK) / len(rows)))


def _on_conflict(stmt: Any, table: Table, natural_key: tuple[str, ...], updates: list[str]) -> Any:
    if not updates:
        return stmt.on_conflict_do_nothing(index_elements=list(natural_key))
    return stmt.on_conflict_do_update(index_elements=[table.c[k] for k in natural_key],
                                      set_={c: stmt.excluded[c] for c in updates})


def _upsert_postgres(s: Session, table: Table, rows: pl.DataFrame, defaults: dict[str, Any],
                     natural_key: tuple[str, ...], updates: list[str]) -> None:
    """COPY the rows (as CSV written by polars) into a temporary table, then one
    INSERT ... SELECT ... ON CONFLICT DO UPDATE: the same upsert statement, without a round
    trip per row. Insert-only defaults travel as bound parameters of that statement."""
    cols = rows.columns
    tmp = f"ingest_{table.name}_rows"
    col_list = ", ".join(f'"{c}"' for c in cols)
    raw = s.connection().connection.driver_connection
    payload = rows.write_csv(include_header=False, null_value="", quote_style="non_numeric")
    with raw.cursor() as cur:
        cur.execute(f'CREATE TEMP TABLE "{tmp}" ON COMMIT DROP AS SELECT {col_list} '
                    f'FROM "{table.name}" WITH NO DATA')
        with cur.copy(f'COPY "{tmp}" ({col_list}) FROM STDIN WITH (FORMAT csv)') as copy:
            copy.write(payload.encode("utf-8"))
    source = sa_table(tmp, *(sa_column(c) for c in cols))
    extra = [literal(v, type_=table.c[k].type).label(k) for k, v in defaults.items()]
    stmt = pg_insert(table).from_select(
        [*cols, *defaults], select(*(source.c[c] for c in cols), *extra))
    s.execute(_on_conflict(stmt, table, natural_key, updates))
    s.execute(text(f'DROP TABLE "{tmp}"'))


# ---- batch records ---------------------------------------------------------------------

def _file_error(exc: UploadError) -> pl.DataFrame:
    errors = ErrorList()
    errors.add_one(exc.key, params=exc.params)
    return errors.frame()


def _committed_batch(engine: Engine, kind: str, sha256: str) -> ImportBatch | None:
    with Session(engine) as s:
        return s.execute(
            select(ImportBatch).where(ImportBatch.kind == kind, ImportBatch.sha256 == sha256,
                                      ImportBatch.status == "committed")
            .order_by(ImportBatch.id.desc()).limit(1)
        ).scalar_one_or_none()


def _batch_row(result: Prepared, *, actor: str, scope: Scope) -> ImportBatch:
    rejected_rows = result.errors.filter(pl.col("row").is_not_null())["row"].n_unique() \
        if result.errors.height else 0
    report = error_report_xlsx(result.errors, result.kind, result.lang) \
        if result.errors.height else None
    message = None
    if result.message_key:
        from i18n import translate
        message = translate(result.message_key, result.lang, **result.message_params)[:2000]
    return ImportBatch(
        kind=result.kind, file_name=(result.file_name or "")[:255], sha256=result.sha256,
        rows_total=result.rows_total,
        rows_ok=0 if result.status == "rejected" else result.rows_total,
        rows_rejected=rejected_rows, rows_new=result.rows_new, rows_changed=result.rows_changed,
        rows_unchanged=result.rows_unchanged, actor=actor, region_code=scope.root_region,
        status=result.status if result.status != "ready" else "dry_run", message=message,
        error_report=report,
    )


def _batch_summary(batch: ImportBatch) -> dict:
    return {"kind": batch.kind, "file_name": batch.file_name, "sha256": batch.sha256,
            "status": batch.status, "rows_total": batch.rows_total, "rows_new": batch.rows_new,
            "rows_changed": batch.rows_changed, "rows_unchanged": batch.rows_unchanged,
            "rows_rejected": batch.rows_rejected}


def _record(engine: Engine, result: Prepared, kind: UploadKind, *, actor: str,
            scope: Scope) -> Prepared:
    with session_scope(engine) as s:
        batch = _batch_row(result, actor=actor, scope=scope)
        s.add(batch)
        s.flush()
        audit.record(s, actor=actor, action=f"import.{batch.status}", entity_type="import_batch",
                     entity_id=batch.id, after=_batch_summary(batch))
        result.batch_id = batch.id
    return result


def _reject(engine: Engine, result: Prepared, kind: UploadKind, *, actor: str,
            scope: Scope) -> Prepared:
    result.status = "rejected"
    result.frame = None
    total = result.errors.height
    result.message_key = "ingest.rejected"
    result.message_params = {"errors": total}
    return _record(engine, result, kind, actor=actor, scope=scope)


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (list, tuple, set)):
        return ",".join(str(v) for v in value)
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)

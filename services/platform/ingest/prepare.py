"""Parse and check an upload (a file, or one entry-form record) and preview what it would
change. Nothing is written except the batch record of a rejected or unchanged file, in the
caller's transaction."""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import polars as pl
from sqlmodel import Session

from data_checks import checks, suites
from data_checks.errors import ErrorList, UploadError
from data_checks.kinds import UploadKind, get_kind
from data_checks.parsing import parse_upload
from services.platform.ingest.references import counts, database_checks, diff
from services.platform.ingest.report import committed_batch, preview, record, reject
from services.platform.ingest.result import IngestError, Prepared, Progress, noop, sha256_of
from services.platform.scope import Scope
from services.platform.settings import get_settings


def _allowed_kind(kind_key: str, roles: tuple[str, ...] | None, scope: Scope) -> UploadKind:
    kind = get_kind(kind_key)
    if roles is not None and not kind.roles.intersection(roles):
        raise IngestError("ingest.err_kind_forbidden")
    if kind.desk_only and scope.department_id is not None:
        raise IngestError("ingest.err_kind_desk_only")
    return kind


def prepare(kind_key: str, file_name: str, content: bytes, *, session: Session, actor: str,
            scope: Scope, lang: str = "zh_CN", sheet: str | None = None,
            progress: Progress | None = None, roles: tuple[str, ...] | None = None) -> Prepared:
    """Parse and check an uploaded file; nothing is written except a rejected / unchanged
    batch record, in the caller's transaction. `roles` (the page passes the user's) must
    include one of the kind's."""
    progress = progress or noop
    kind = _allowed_kind(kind_key, roles, scope)
    settings = get_settings()
    result = Prepared(kind=kind.key, file_name=file_name, sha256=sha256_of(content),
                      status="ready", lang=lang)
    started = time.perf_counter()
    progress("parse", 0.0)
    try:
        parsed = parse_upload(file_name, content, sheet=sheet, max_mb=settings.upload_max_mb,
                              max_rows=settings.upload_max_rows, max_cols=len(kind.columns))
    except UploadError as exc:
        result.errors = _file_error(exc)
        result.timings["parse"] = time.perf_counter() - started
        return reject(result, session=session, actor=actor, scope=scope)
    result.encoding = parsed.encoding
    result.rows_total = parsed.frame.height
    result.timings["parse"] = time.perf_counter() - started
    # The same file as an earlier batch is still compared with the stored rows: they may
    # have been edited by form or deleted since (issue 17); only when nothing differs is the
    # earlier batch named.
    earlier = committed_batch(kind.key, result.sha256, session=session)
    result = _check_and_preview(session, kind, parsed.frame, result, actor=actor, scope=scope,
                                progress=progress)
    if earlier is not None and result.status == "unchanged":
        result.message_key = "ingest.same_file"
        result.message_params = {"batch": earlier.id}
    return result


def prepare_record(kind_key: str, values: Mapping[str, Any], *, session: Session, actor: str,
                   scope: Scope, lang: str = "zh_CN",
                   roles: tuple[str, ...] | None = None) -> Prepared:
    """One record from the entry form, as text cells, through the same checks."""
    kind = _allowed_kind(kind_key, roles, scope)
    text = {c.field: _as_text(values.get(c.field)) for c in kind.columns}
    payload = json.dumps(text, ensure_ascii=False, sort_keys=True).encode("utf-8")
    frame = pl.DataFrame({"_row": [2], **{k: [v] for k, v in text.items()}},
                         schema={"_row": pl.Int64, **{k: pl.String for k in text}})
    result = Prepared(kind=kind.key, file_name="form", sha256=sha256_of(payload),
                      status="ready", rows_total=1, lang=lang, encoding="form")
    return _check_and_preview(session, kind, frame.with_columns(
        pl.col(k).str.strip_chars().replace("", None) for k in text), result, actor=actor,
        scope=scope, progress=noop, mapped=True)


def _check_and_preview(session: Session, kind: UploadKind, frame: pl.DataFrame, result: Prepared,
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
        db_errors = database_checks(kind, typed, scope, session=session)[1]
        errors.add(db_errors.join(errors.frame().select("row", "field"), on=["row", "field"],
                                  how="anti", nulls_equal=True))
    if errors:
        result.errors = errors.frame()
        return reject(result, session=session, actor=actor, scope=scope)
    started = time.perf_counter()
    typed, db_errors = database_checks(kind, typed, scope, session=session)
    if db_errors.height:
        result.errors = db_errors
        result.timings["references"] = time.perf_counter() - started
        return reject(result, session=session, actor=actor, scope=scope)
    diffed = diff(kind, typed, session=session)
    result.timings["references"] = time.perf_counter() - started
    progress("check", 1.0)
    result.rows_new, result.rows_changed, result.rows_unchanged = counts(diffed)
    result.preview = preview(diffed, kind, result.lang)
    result.frame = typed
    if result.rows_new + result.rows_changed == 0:
        result.status = "unchanged"
        result.message_key = "ingest.nothing_changed"
        result.frame = None
        return record(result, session=session, actor=actor, scope=scope)
    result.message_key = "ingest.ready"
    result.message_params = {"new": result.rows_new, "changed": result.rows_changed,
                             "unchanged": result.rows_unchanged}
    return result


def mapped_ok(errors: ErrorList) -> bool:
    """True when the errors are row-level only (the headers mapped)."""
    return all(p["row"].is_not_null().all() for p in errors.parts)


def _file_error(exc: UploadError) -> pl.DataFrame:
    errors = ErrorList()
    errors.add_one(exc.key, params=exc.params)
    return errors.frame()


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

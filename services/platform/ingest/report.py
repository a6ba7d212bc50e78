"""Batch records (every upload leaves one, audited), the error report and the import history."""

from __future__ import annotations

import polars as pl
from sqlalchemy import select
from sqlmodel import Session

from data_checks.errors import render_errors
from data_checks.kinds import Column, UploadKind, get_kind
from models.imports import ImportBatch
from services.platform import audit
from services.platform.export import to_xlsx
from services.platform.ingest.result import Prepared
from services.platform.scope import Scope

PREVIEW_ROWS = 20


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


def batches_frame(scope: Scope, *, session: Session, kind: str | None = None,
                  limit: int = 500) -> pl.DataFrame:
    """Import batches in the caller's scope (by the uploader's region), newest first."""
    stmt = (
        select(ImportBatch.id, ImportBatch.created_at, ImportBatch.kind, ImportBatch.file_name,
               ImportBatch.status, ImportBatch.rows_total, ImportBatch.rows_new,
               ImportBatch.rows_changed, ImportBatch.rows_unchanged, ImportBatch.rows_rejected,
               ImportBatch.actor, ImportBatch.region_code,
               ImportBatch.error_report.is_not(None).label("has_report"))
        .where(scope.where(ImportBatch.region_code, ImportBatch.department_id))
        .order_by(ImportBatch.id.desc()).limit(limit)
    )
    if kind:
        stmt = stmt.where(ImportBatch.kind == kind)
    rows = session.execute(stmt).all()
    return pl.DataFrame([tuple(r) for r in rows], schema=BATCH_SCHEMA, orient="row")


def batch_error_report(scope: Scope, batch_id: int, *, session: Session) -> bytes | None:
    return session.execute(
        select(ImportBatch.error_report).where(ImportBatch.id == batch_id)
        .where(scope.where(ImportBatch.region_code, ImportBatch.department_id))
    ).scalar_one_or_none()


def preview(diffed: pl.DataFrame, kind: UploadKind, lang: str) -> pl.DataFrame:
    """The first rows of a checked file with their result (new / changed / unchanged)."""
    from i18n import translate

    status = {k: translate(f"ingest.status_{k}", lang) for k in ("new", "changed", "unchanged")}
    names = [translate("ingest.err_col_row", lang), translate("ingest.col_result", lang)]
    for c in kind.columns:  # a kind's own header may read like the preview's (English "Result")
        name = c.header(lang)
        while name in names:
            name += " ·"
        names.append(name)
    return diffed.head(PREVIEW_ROWS).select(
        pl.col("_row").alias(names[0]),
        pl.col("__status").replace_strict(status, return_dtype=pl.String).alias(names[1]),
        *(_shown(c, lang).alias(name) for c, name in zip(kind.columns, names[2:], strict=True)),
    )


def _shown(col: Column, lang: str) -> pl.Expr:
    """A checked value as the user wrote it: choices by their label (网上, not online), yes/no."""
    text = pl.col(col.field).cast(pl.String)
    if col.type == "bool":
        yes, no = ("是", "否") if lang == "zh_CN" else ("yes", "no")
        return text.replace({"true": yes, "false": no})
    if not col.choices:
        return text
    labels = {v: col.choice_label(v, lang) for v in col.choices}
    if col.type == "list":  # stored comma-separated by now
        return text.str.split(",").list.eval(pl.element().replace(labels)).list.join("、")
    return text.replace(labels)


def committed_batch(kind: str, sha256: str, *, session: Session) -> ImportBatch | None:
    """The last committed batch of this kind with this file content, if any."""
    return session.execute(
        select(ImportBatch).where(ImportBatch.kind == kind, ImportBatch.sha256 == sha256,
                                  ImportBatch.status == "committed")
        .order_by(ImportBatch.id.desc()).limit(1)
    ).scalar_one_or_none()


def batch_row(result: Prepared, *, actor: str, scope: Scope) -> ImportBatch:
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
        department_id=scope.department_id,
        status=result.status if result.status != "ready" else "dry_run", message=message,
        error_report=report,
    )


def batch_summary(batch: ImportBatch) -> dict:
    return {"kind": batch.kind, "file_name": batch.file_name, "sha256": batch.sha256,
            "status": batch.status, "rows_total": batch.rows_total, "rows_new": batch.rows_new,
            "rows_changed": batch.rows_changed, "rows_unchanged": batch.rows_unchanged,
            "rows_rejected": batch.rows_rejected}


def record(result: Prepared, *, session: Session, actor: str, scope: Scope) -> Prepared:
    """Add the batch record of `result` (and its audit event) to the caller's transaction."""
    batch = batch_row(result, actor=actor, scope=scope)
    session.add(batch)
    session.flush()
    audit.record(session, actor=actor, action=f"import.{batch.status}",
                 entity_type="import_batch", entity_id=batch.id, after=batch_summary(batch))
    result.batch_id = batch.id
    return result


def reject(result: Prepared, *, session: Session, actor: str, scope: Scope) -> Prepared:
    result.status = "rejected"
    result.frame = None
    result.message_key = "ingest.rejected"
    result.message_params = {"errors": result.errors.height}
    return record(result, session=session, actor=actor, scope=scope)

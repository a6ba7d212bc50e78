"""The one upload pipeline: parse -> check -> references -> preview -> commit.

`prepare` reads a file (or `prepare_record` one entry-form record), runs every check of the
kind (data_checks) and the database checks that need the caller's scope (references, rows
out of scope, fields an existing row may not change), and returns a `Prepared` with the
row-level errors or a preview (new / changed / unchanged). A rejected file, and a file that
changes nothing, is recorded as an ImportBatch in the caller's session. `commit` re-checks
against the database inside ONE transaction of its own, upserts the new and changed rows by
natural key with bulk `INSERT ... ON CONFLICT DO UPDATE` statements (SQLite and PostgreSQL),
records the batch, its audit event and what `IMPORT_HOOKS` record in the same transaction.

Same file content again (its sha256 was committed for the kind before): nothing changes and
the result says so. Any error: nothing is written except the rejected batch record.

Modules: `result` (Prepared), `prepare` (parse and check), `references` (database checks and
the diff), `commit` (the write), `report` (batch records, error reports, history)."""

from services.platform.ingest.commit import IMPORT_HOOKS, commit, dry_run
from services.platform.ingest.prepare import mapped_ok, prepare, prepare_record
from services.platform.ingest.references import CHUNK
from services.platform.ingest.report import (
    BATCH_SCHEMA,
    PREVIEW_ROWS,
    batch_error_report,
    batches_frame,
    error_report,
    error_report_xlsx,
)
from services.platform.ingest.result import IngestError, Prepared, Progress, sha256_of

__all__ = [
    "IMPORT_HOOKS", "BATCH_SCHEMA", "CHUNK", "PREVIEW_ROWS", "IngestError", "Prepared",
    "Progress", "batch_error_report", "batches_frame", "commit", "dry_run", "error_report",
    "error_report_xlsx", "mapped_ok", "prepare", "prepare_record", "sha256_of",
]

"""The reader process of a SQLite read snapshot (services.platform.sqlite_reader): run as a
script, it opens the database file through ADBC's SQLite driver, holds one read transaction
(query_only), and answers each statement it is sent with its rows as Arrow record batches.

It runs in a process of its own because ADBC's driver carries its own copy of SQLite, and two
copies in one process break each other's file locks (sqlite.org/howtocorrupt.html §2.2.1).
It imports nothing of the project, so it starts in a fraction of a second.

Protocol on stdin/stdout, length-prefixed (big-endian), after a first b"D" frame (ready):
- request: 4-byte length + the statement in UTF-8; a length of 0 ends the process;
- answer: frames of one kind byte + 8-byte length + payload: b"B" a record batch (an Arrow
  IPC stream of one batch), b"R" restart (drop the batches sent: the statement is read again
  as one batch), b"D" done, b"E" an error (its text in UTF-8; the answer ends)."""

from __future__ import annotations

import struct
import sys

BATCH = "adbc.sqlite.query.batch_rows"
BATCH_ROWS = "65536"  # a few MB per batch: the reader holds 0.27 GB, not a province's table (1.5 GB)
# the driver fixes each column's type on its first batch and stops at a value of another
# type further on (a column NULL throughout the first batch is taken for integers): such a
# statement is read again as ONE batch, whose types cover every value
WHOLE_RESULT = str(2**30)


def _frame(out, kind: bytes, payload=b"") -> None:  # noqa: ANN001
    out.write(kind + struct.pack(">Q", memoryview(payload).nbytes))
    out.write(payload)


def _batches(conn, sql: str, rows: str, out) -> None:  # noqa: ANN001
    import pyarrow as pa

    with conn.cursor() as cur:
        cur.adbc_statement.set_options(**{BATCH: rows})
        cur.execute(sql)
        for batch in cur.fetch_record_batch():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, batch.schema) as writer:
                writer.write_batch(batch)
            _frame(out, b"B", sink.getvalue())


def _connect(path: str):  # noqa: ANN202
    import adbc_driver_sqlite.dbapi as adbc_sqlite

    # not autocommit: the driver's BEGIN is deferred, so the snapshot is taken by the first read
    conn = adbc_sqlite.connect(path)
    with conn.cursor() as cur:  # a reader: nothing it is sent may write
        cur.execute("PRAGMA query_only = ON")
        cur.execute("PRAGMA busy_timeout = 30000")  # as the app's connections (models.db)
    return conn


def main(path: str) -> int:
    import adbc_driver_sqlite.dbapi  # noqa: F401 - the slow part of the start, before "ready"
    import pyarrow  # noqa: F401

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    _frame(stdout, b"D")  # ready: the file is opened with the first statement, not before
    stdout.flush()
    conn = None
    try:
        while True:
            head = stdin.read(4)
            if len(head) < 4:
                return 0
            (size,) = struct.unpack(">I", head)
            if size == 0:
                return 0
            sql = stdin.read(size).decode("utf-8")
            try:
                conn = conn or _connect(path)
                try:
                    _batches(conn, sql, BATCH_ROWS, stdout)
                except OSError as exc:
                    if "Type mismatch" not in str(exc):
                        raise
                    _frame(stdout, b"R")
                    _batches(conn, sql, WHOLE_RESULT, stdout)
                _frame(stdout, b"D")
            except Exception as exc:  # noqa: BLE001 - sent back and raised in the asking process
                _frame(stdout, b"E", f"{type(exc).__name__}: {exc}".encode())
            stdout.flush()
    finally:
        if conn is not None:
            conn.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

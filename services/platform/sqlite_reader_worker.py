"""The reader process of a SQLite read snapshot (services.platform.sqlite_reader): run as a
script, it opens the database file through ADBC's SQLite driver, holds one read
transaction (query_only), and answers each statement it is sent with the rows as an Arrow IPC stream.

It runs in a process of its own because ADBC's driver carries its own copy of SQLite, and two
copies in one process break each other's file locks (sqlite.org/howtocorrupt.html §2.2.1).
It imports nothing of the project, so it starts in a fraction of a second.

Protocol on stdin/stdout, both ways length-prefixed (big-endian):
- request: 4-byte length + the statement in UTF-8; a length of 0 ends the process;
- answer: one status byte (b"A" rows, b"E" an error) + 8-byte length + the IPC stream or
  the error text in UTF-8."""

from __future__ import annotations

import struct
import sys

# one batch per statement: the driver infers each column's type from its first batch, so
# the whole result is that batch (a NULL-only first 1,024 rows would otherwise fix the type)
WHOLE_RESULT = str(2**30)


def _answer(out, status: bytes, payload) -> None:  # noqa: ANN001
    out.write(status + struct.pack(">Q", memoryview(payload).nbytes))
    out.write(payload)
    out.flush()


def main(path: str) -> int:
    import adbc_driver_sqlite.dbapi as adbc_sqlite
    import pyarrow as pa

    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    # not autocommit: the driver's BEGIN is deferred, so the snapshot is taken by the first read
    conn = adbc_sqlite.connect(path)
    try:
        with conn.cursor() as cur:  # a reader: nothing it is sent may write
            cur.execute("PRAGMA query_only = ON")
        while True:
            head = stdin.read(4)
            if len(head) < 4:
                return 0
            (size,) = struct.unpack(">I", head)
            if size == 0:
                return 0
            sql = stdin.read(size).decode("utf-8")
            try:
                with conn.cursor() as cur:
                    cur.adbc_statement.set_options(**{"adbc.sqlite.query.batch_rows": WHOLE_RESULT})
                    cur.execute(sql)
                    table = cur.fetch_arrow_table()
                sink = pa.BufferOutputStream()
                with pa.ipc.new_stream(sink, table.schema) as writer:
                    writer.write_table(table)
                _answer(stdout, b"A", sink.getvalue())
            except Exception as exc:  # noqa: BLE001 - sent back and raised in the asking process
                _answer(stdout, b"E", f"{type(exc).__name__}: {exc}".encode())
    finally:
        conn.close()


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1]))

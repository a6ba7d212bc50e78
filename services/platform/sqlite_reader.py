"""A SQLite read snapshot served by a reader process (services.platform.sqlite_reader_worker):
rows come back as Arrow columns, as ADBC hands them over on PostgreSQL.

Python's sqlite3 builds a Python object per value and polars a frame from them: the
province's full read took 2.4× a plain scan of the same statements, 7 s of it the 5.8M case
steps' fetch alone. ADBC's SQLite driver builds Arrow columns in C, in a process of its own
(two copies of SQLite in one process break each other's file locks); two such readers on one
snapshot read two statements at once (pinned_readers)."""

from __future__ import annotations

import struct
import subprocess
import sys
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path

import pyarrow as pa

WORKER = Path(__file__).with_name("sqlite_reader_worker.py")


class ReaderError(RuntimeError):
    """The reader process failed a statement, or died."""


class SqliteReader:
    """One reader process holding one read transaction on the file `path` until `close()`:
    every statement it runs sees the same committed data (WAL keeps its view)."""

    def __init__(self, path: str) -> None:
        self._proc = subprocess.Popen([sys.executable, str(WORKER), str(Path(path).resolve())],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=subprocess.PIPE)
        self.restarts = 0  # statements read again as one batch
        self._lock = threading.Lock()

    def _read_exactly(self, size: int) -> bytes:
        data = self._proc.stdout.read(size)
        if len(data) < size:
            self._proc.wait(timeout=5)
            raise ReaderError(f"SQLite reader process ended ({self._proc.returncode}): "
                              f"{self._proc.stderr.read().decode(errors='replace')[-500:]}")
        return data

    def arrow(self, sql: str) -> pa.Table:
        """The rows of `sql`, each column of the type the driver found in its values."""
        with self._lock:  # one statement at a time on the pipe
            return self._arrow(sql.encode("utf-8"))

    def _arrow(self, statement: bytes) -> pa.Table:
        try:
            self._proc.stdin.write(struct.pack(">I", len(statement)) + statement)
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._read_exactly(1)  # raises with the process's last words
        batches: list[pa.RecordBatch] = []
        while True:
            kind = self._read_exactly(1)
            (size,) = struct.unpack(">Q", self._read_exactly(8))
            payload = self._read_exactly(size)
            if kind == b"B":
                batches.append(pa.ipc.open_stream(payload).read_next_batch())
            elif kind == b"R":  # read again as one batch (services.platform.sqlite_reader_worker)
                batches.clear()
                self.restarts += 1
            elif kind == b"D":
                return pa.Table.from_batches(batches) if batches else pa.table({})
            else:
                raise ReaderError(payload.decode("utf-8", errors="replace"))

    def pin(self) -> None:
        """Take the snapshot now (the first read of the transaction takes it)."""
        self.arrow("SELECT count(*) FROM sqlite_schema")

    def close(self) -> None:
        """End the read transaction and the process."""
        try:
            self._proc.stdin.write(struct.pack(">I", 0))
            self._proc.stdin.close()
            self._proc.wait(timeout=10)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        finally:
            self._proc.stdout.close()
            self._proc.stderr.close()


def pinned_readers(path: str, n: int, freeze: Callable[[], AbstractContextManager]) -> list[SqliteReader]:
    """`n` reader processes of the file `path` on ONE snapshot: their first reads are taken
    while no commit can happen (`freeze`: SQLite's write lock, held for those milliseconds),
    so every reader sees the same committed data."""
    readers = [SqliteReader(path) for _ in range(n)]  # they start side by side
    try:
        with freeze():
            for reader in readers:
                reader.pin()
    except BaseException:
        for reader in readers:
            reader.close()
        raise
    return readers

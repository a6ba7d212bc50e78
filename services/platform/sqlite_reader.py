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
import tempfile
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

    largest_peak_mb = 0.0  # of every reader closed in this process (bench/bench_realtime.py)

    def __init__(self, path: str) -> None:
        # its last words go to a file: a pipe nobody reads would block it once full
        self._errors = tempfile.TemporaryFile()
        self._proc = subprocess.Popen([sys.executable, str(WORKER), str(Path(path).resolve())],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                      stderr=self._errors)
        self.restarts = 0  # statements read again as one batch
        self._lock = threading.Lock()
        self._ready = False

    def _read_exactly(self, size: int) -> bytes:
        data = self._proc.stdout.read(size)
        if len(data) < size:
            self._proc.wait(timeout=5)
            self._errors.seek(0)
            raise ReaderError(f"SQLite reader process ended ({self._proc.returncode}): "
                              f"{self._errors.read().decode(errors='replace')[-500:]}")
        return data

    def _frame(self) -> tuple[bytes, bytes]:
        """The next frame the process sent: (kind, payload)."""
        kind = self._read_exactly(1)
        (size,) = struct.unpack(">Q", self._read_exactly(8))
        return kind, self._read_exactly(size)

    def arrow(self, sql: str) -> pa.Table:
        """The rows of `sql`, each column of the type the driver found in its values."""
        with self._lock:  # one statement at a time on the pipe
            self.wait_ready()
            return self._arrow(sql.encode("utf-8"))

    def _arrow(self, statement: bytes) -> pa.Table:
        try:
            self._proc.stdin.write(struct.pack(">I", len(statement)) + statement)
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._read_exactly(1)  # raises with the process's last words
        batches: list[pa.RecordBatch] = []
        while True:
            kind, payload = self._frame()
            if kind == b"B":
                batches.append(pa.ipc.open_stream(payload).read_next_batch())
            elif kind == b"R":  # read again as one batch (services.platform.sqlite_reader_worker)
                batches.clear()
                self.restarts += 1
            elif kind == b"D":
                return pa.Table.from_batches(batches) if batches else pa.table({})
            else:
                raise ReaderError(payload.decode("utf-8", errors="replace"))

    def wait_ready(self) -> None:
        """Until the process has started (it opens the file only with the first statement)."""
        if self._ready:
            return
        kind, _ = self._frame()
        if kind != b"D":
            raise ReaderError("SQLite reader process did not start")
        self._ready = True

    def pin(self) -> None:
        """Take the snapshot now (the first read of the transaction takes it)."""
        with self._lock:
            self.wait_ready()
            self._arrow(b"SELECT count(*) FROM sqlite_schema")

    def peak_rss_mb(self) -> float | None:
        """The process's peak resident memory so far (Linux; its rusage would count the
        memory of this process it was forked from)."""
        try:
            status = Path(f"/proc/{self._proc.pid}/status").read_text()
        except OSError:
            return None
        kb = next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), None)
        return None if kb is None else kb / 1024

    def close(self) -> None:
        """End the read transaction and the process."""
        peak = self.peak_rss_mb()
        SqliteReader.largest_peak_mb = max(SqliteReader.largest_peak_mb, peak or 0)
        try:
            self._proc.stdin.write(struct.pack(">I", 0))
            self._proc.stdin.close()
            self._proc.wait(timeout=10)
        except (BrokenPipeError, subprocess.TimeoutExpired):
            self._proc.kill()
            self._proc.wait()
        finally:
            self._proc.stdout.close()
            self._errors.close()


def pinned_readers(path: str, n: int, freeze: Callable[[], AbstractContextManager]) -> list[SqliteReader]:
    """`n` reader processes of the file `path` on ONE snapshot: their first reads are taken
    while no commit can happen (`freeze`: SQLite's write lock, held for those milliseconds),
    so every reader sees the same committed data."""
    readers = [SqliteReader(path) for _ in range(n)]  # they start side by side
    try:
        for reader in readers:  # started before the freeze: writers wait for the pins alone
            reader.wait_ready()
        with freeze():
            for reader in readers:
                reader.pin()
    except BaseException:
        for reader in readers:
            reader.close()
        raise
    return readers

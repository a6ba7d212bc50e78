"""A SQLite read snapshot served by a reader process (services.platform.sqlite_reader_worker):
rows come back as Arrow columns, as ADBC hands them over on PostgreSQL.

Python's sqlite3 builds a Python object per value and polars a frame from them: the
province's full read took 2.4× a plain scan of the same statements, 7 s of it the 5.8M case
steps' fetch alone. ADBC's SQLite driver builds Arrow columns in C, in a process of its own
(two copies of SQLite in one process break each other's file locks), which also leaves this
process's core free for the polars work between reads."""

from __future__ import annotations

import struct
import subprocess
import sys
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

    def _read_exactly(self, size: int) -> bytes:
        data = self._proc.stdout.read(size)
        if len(data) < size:
            self._proc.wait(timeout=5)
            raise ReaderError(f"SQLite reader process ended ({self._proc.returncode}): "
                              f"{self._proc.stderr.read().decode(errors='replace')[-500:]}")
        return data

    def arrow(self, sql: str) -> pa.Table:
        """The rows of `sql`, each column of the type the driver found in its values."""
        statement = sql.encode("utf-8")
        try:
            self._proc.stdin.write(struct.pack(">I", len(statement)) + statement)
            self._proc.stdin.flush()
        except BrokenPipeError:
            self._read_exactly(1)  # raises with the process's last words
        status = self._read_exactly(1)
        (size,) = struct.unpack(">Q", self._read_exactly(8))
        payload = self._read_exactly(size)
        if status != b"A":
            raise ReaderError(payload.decode("utf-8", errors="replace"))
        return pa.ipc.open_stream(payload).read_all()

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

"""Reads an untrusted workbook in a child process, so a reader crash cannot kill the server.

`read_sheet(content, sheet)` starts `python -m data_checks.xlsx_child SHEET`, sends the file
on stdin and gets the sheet back as Arrow IPC on stdout (every cell text). The child caps its
own address space and CPU time (`resource.setrlimit`) before reading: a reader that aborts
(SIGABRT), runs out of memory or loops ends as a refused file (`UploadError`), never as a dead
Streamlit server. A fresh interpreter (not fork) because the server process has threads."""

from __future__ import annotations

import io
import os
import subprocess
import sys

import polars as pl

from data_checks.errors import UploadError

MEMORY_LIMIT = 4 << 30       # address space (virtual; a 500,000-row read peaks near 2.2 GB of it)
CPU_SECONDS = 300
TIMEOUT_SECONDS = 330


def read_sheet(content: bytes, sheet: str) -> pl.DataFrame:
    env = {**os.environ, "POLARS_MAX_THREADS": "2", "RAYON_NUM_THREADS": "2",
           "RUST_BACKTRACE": "0"}
    try:
        done = subprocess.run(
            [sys.executable, "-m", "data_checks.xlsx_child", sheet], input=content,
            capture_output=True, timeout=TIMEOUT_SECONDS, env=env, check=False,
            cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    except subprocess.TimeoutExpired:
        raise UploadError("security.err_reader_timeout", seconds=TIMEOUT_SECONDS) from None
    if done.returncode == 2:  # the reader refused the file in an orderly way
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UploadError("ingest.err_bad_xlsx_detail", detail=(detail or ["—"])[-1][:200])
    if done.returncode != 0:
        raise UploadError("security.err_reader_crashed")
    return pl.read_ipc(io.BytesIO(done.stdout))


def _limit_self() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _main(sheet: str) -> int:
    content = sys.stdin.buffer.read()
    _limit_self()
    try:
        frame = pl.read_excel(io.BytesIO(content), engine="calamine", sheet_name=sheet,
                              infer_schema_length=0, drop_empty_rows=False,
                              raise_if_empty=False)
    except MemoryError:
        return 3
    except Exception as exc:  # fastexcel raises its own error types for corrupt parts
        print(str(exc).splitlines()[0] if str(exc) else type(exc).__name__, file=sys.stderr)
        return 2
    frame = frame.with_columns(pl.all().cast(pl.String))
    out = io.BytesIO()
    frame.write_ipc(out)
    sys.stdout.buffer.write(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1]))

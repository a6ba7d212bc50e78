"""The app as a real server on a free loopback port, for the e2e tests and the benches alike:
`streamlit run <app>` in its own process group (so stopping it stops its children too), on
the database it is given, answering `/_stcore/health` before the caller goes on.

The e2e fixtures (tests/e2e/server.py) wrap it with their browser warm-up; benches use it
as it is (bench/bench_hostile.py). No browser, no test helpers here: the benches may not
import the tests (import-linter contract "bench-no-tests")."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
START_TIMEOUT_S = 90        # until /_stcore/health answers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def health_ok(url: str, timeout: float = 2) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=timeout) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def stop(proc: subprocess.Popen) -> None:
    """Stop the server and everything it started (it runs in its own process group)."""
    if proc.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


def log_tail(log_path: Path, lines: int = 80) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "(no server log)"
    return "\n".join(text.splitlines()[-lines:])


def launch(database_url: str, log_path: Path, *, app: str = "serve.py",
           extra_env: dict[str, str] | None = None) -> tuple[subprocess.Popen, str]:
    """Start `streamlit run <app>` (not waiting); returns the process and its URL. The
    environment is the caller's without any FIVESYS_ setting, plus demo mode, the database
    and `extra_env`."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIVESYS_")}
    env.update({
        "DATABASE_URL": database_url,
        "FIVESYS_DEMO_MODE": "true",
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_HEADLESS": "true",
    })
    env.update(extra_env or {})
    cmd = [
        sys.executable, "-m", "streamlit", "run", app,
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
    ]
    with log_path.open("ab") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    return proc, f"http://127.0.0.1:{port}"


def wait_healthy(proc: subprocess.Popen, url: str, log_path: Path,
                 timeout_s: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout_s
    while not health_ok(url):
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with {proc.returncode} before answering "
                               f"/_stcore/health\n--- server log ---\n{log_tail(log_path)}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within "
                               f"{timeout_s} s\n--- server log ---\n{log_tail(log_path)}")
        time.sleep(0.25)


@contextlib.contextmanager
def running_app(database_url: str, log_path: Path, *, app: str = "serve.py",
                extra_env: dict[str, str] | None = None
                ) -> Iterator[tuple[subprocess.Popen, str]]:
    """`launch`, wait for `/_stcore/health`, yield (process, url); stop it (and its
    children) after."""
    proc, url = launch(database_url, log_path, app=app, extra_env=extra_env)
    try:
        wait_healthy(proc, url, log_path)
        yield proc, url
    finally:
        stop(proc)


def rss_mb(pid: int) -> tuple[float, float]:
    """(current, peak) resident memory of a process in MB, from /proc (no psutil needed)."""
    with open(f"/proc/{pid}/status", encoding="utf-8") as fh:
        fields = dict(line.split(":", 1) for line in fh if ":" in line)
    return (int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024)


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and its children (a server's workbook readers), in MB;
    0 when it is gone."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        total = rss_mb(pid)[0]
    except OSError:
        return 0.0
    for child in children:
        try:
            total += rss_mb(int(child))[0]
        except (OSError, KeyError):
            pass
    return total

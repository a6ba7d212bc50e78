"""The Streamlit server behind the e2e fixtures: `streamlit run serve.py` (the README's command:
the app plus its HTTP routes, among them the login cookie's /session/…) on a free loopback port
with a fresh SQLite demo database, stopped with its whole process group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.browser import FIRST_LOAD_TIMEOUT_S, ROOT, assert_no_exception, wait_for_idle

START_TIMEOUT_S = 90        # until /_stcore/health answers


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class StreamlitServer:
    url: str
    port: int
    log_path: Path
    db_path: Path
    proc: subprocess.Popen = field(repr=False)
    warmed: bool = False

    def log_tail(self, lines: int = 80) -> str:
        try:
            text = self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def warm_up(self, page, timeout_s: float = FIRST_LOAD_TIMEOUT_S) -> None:  # noqa: ANN001
        """Load the app once so it migrates and seeds before the tests start timing."""
        if self.warmed:
            return
        page.goto(self.url, wait_until="domcontentloaded")
        try:
            # The login form, or an error (a failing migration or seed step) ends the wait.
            page.locator('[data-testid="stForm"], [data-testid="stException"], '
                         '[data-testid="stAlert"]').first.wait_for(timeout=timeout_s * 1000)
            wait_for_idle(page, timeout=timeout_s)
            assert_no_exception(page)
            page.locator('[data-testid="stForm"]').first.wait_for(timeout=5000)
        except Exception as exc:
            main = page.locator('[data-testid="stMain"]')
            shown = main.inner_text()[:2000] if main.count() else "(nothing rendered)"
            raise RuntimeError(
                f"the app did not show its login form after its first load: {exc}\n"
                f"--- page ---\n{shown}\n"
                f"--- server log ({self.log_path}) ---\n{self.log_tail()}") from exc
        self.warmed = True


def _health_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
            return resp.status == 200 and resp.read().strip() == b"ok"
    except (urllib.error.URLError, OSError):
        return False


def _stop(proc: subprocess.Popen) -> None:
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


@contextlib.contextmanager
def start_streamlit(tmp_dir: Path, extra_env: dict[str, str] | None = None,
                    seeded_from: Path | None = None) -> Iterator[StreamlitServer]:
    """`streamlit run serve.py` on a free loopback port with a fresh SQLite database in
    `tmp_dir`; yields once `/_stcore/health` answers; stops the server (and children) after.
    With `seeded_from` (a seeded SQLite file) the database starts as a copy of it, so the
    app's first load finds the demo already there instead of seeding it (10-25 s)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    db_path = tmp_dir / "e2e.db"
    if seeded_from is not None:
        with sqlite3.connect(seeded_from) as src, sqlite3.connect(db_path) as dst:
            src.backup(dst)
    log_path = tmp_dir / "streamlit.log"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIVESYS_")}
    env.update({
        "DATABASE_URL": f"sqlite:///{db_path}",
        "FIVESYS_DEMO_MODE": "true",
        "PYTHONUNBUFFERED": "1",
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        "STREAMLIT_SERVER_HEADLESS": "true",
    })
    env.update(extra_env or {})
    cmd = [
        sys.executable, "-m", "streamlit", "run", "serve.py",
        "--server.address", "127.0.0.1", "--server.port", str(port),
        "--server.headless", "true", "--browser.gatherUsageStats", "false",
        "--server.fileWatcherType", "none", "--server.runOnSave", "false",
    ]
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True)
    server = StreamlitServer(url=url, port=port, log_path=log_path, db_path=db_path, proc=proc)
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not _health_ok(url):
            if proc.poll() is not None:
                raise RuntimeError(f"streamlit exited with {proc.returncode} before answering "
                                   f"/_stcore/health\n--- server log ---\n{server.log_tail()}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer {url}/_stcore/health within "
                                   f"{START_TIMEOUT_S} s\n--- server log ---\n{server.log_tail()}")
            time.sleep(0.25)
        yield server
    finally:
        _stop(proc)

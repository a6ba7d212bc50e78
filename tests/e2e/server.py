"""The Streamlit server behind the e2e fixtures: `streamlit run serve.py` (the README's command:
the app plus its HTTP routes, among them the login cookie's /session/…) on a free loopback port
with a fresh SQLite demo database, stopped with its whole process group. The launch itself is
`bench/appserver.py`, shared with the benches (bench/bench_hostile.py)."""

from __future__ import annotations

import contextlib
import sqlite3
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.appserver import START_TIMEOUT_S, free_port, launch, log_tail, stop, wait_healthy
from tests.e2e.browser import FIRST_LOAD_TIMEOUT_S, assert_no_exception, wait_for_idle

__all__ = ["START_TIMEOUT_S", "StreamlitServer", "free_port", "start_streamlit"]


@dataclass
class StreamlitServer:
    url: str
    port: int
    log_path: Path
    db_path: Path
    proc: subprocess.Popen = field(repr=False)
    warmed: bool = False

    def log_tail(self, lines: int = 80) -> str:
        return log_tail(self.log_path, lines)

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


@contextlib.contextmanager
def start_streamlit(tmp_dir: Path, extra_env: dict[str, str] | None = None,
                    seeded_from: Path | None = None) -> Iterator[StreamlitServer]:
    """`streamlit run streamlit_app.py` on a free loopback port with a fresh SQLite database in
    `tmp_dir`; yields once `/_stcore/health` answers; stops the server (and children) after.
    With `seeded_from` (a seeded SQLite file) the database starts as a copy of it, so the
    app's first load finds the demo already there instead of seeding it (10-25 s)."""
    tmp_dir.mkdir(parents=True, exist_ok=True)
    db_path = tmp_dir / "e2e.db"
    if seeded_from is not None:
        with sqlite3.connect(seeded_from) as src, sqlite3.connect(db_path) as dst:
            src.backup(dst)
    log_path = tmp_dir / "streamlit.log"
    proc, url = launch(f"sqlite:///{db_path}", log_path, extra_env=extra_env)
    server = StreamlitServer(url=url, port=int(url.rsplit(":", 1)[1]), log_path=log_path,
                             db_path=db_path, proc=proc)
    try:
        wait_healthy(proc, url, log_path)
        yield server
    finally:
        stop(proc)

"""A seeded template built once per test run and backend, shared by the xdist workers.

Seeding the small demo province takes 10-25 s; every worker used to seed its own template for
each backend. Now the first worker that needs one builds it under an exclusive file lock in the
run's shared temporary folder; the others wait for the lock and then only copy it. A small
state file counts the workers that use the template: the last one to release it drops it (the
PostgreSQL template database; the SQLite file goes with pytest's temporary folder)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path


def run_root(tmp_path_factory) -> Path:  # noqa: ANN001
    """The temporary folder every worker of this run shares (pytest's base folder without
    xdist; its parent, which holds one folder per worker, with it)."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def run_id() -> str:
    """The same for every worker of a run, different across runs (and concurrent runs)."""
    return os.environ.get("PYTEST_XDIST_TESTRUNUID", "")[:16] or str(os.getpid())


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


class SharedTemplate:
    def __init__(self, root: Path, name: str, build: Callable[[], None],
                 drop: Callable[[], None] | None = None, path: Path | None = None) -> None:
        self.path = path  # the template file, for a file-based backend
        self._lock = root / f"{name}.lock"
        self._state = root / f"{name}.json"
        self._build, self._drop = build, drop
        self.held = False

    def _read(self) -> dict:
        try:
            return json.loads(self._state.read_text())
        except (OSError, ValueError):
            return {"ready": False, "users": 0}

    def acquire(self) -> None:
        """Build the template unless a worker already has; count this worker as a user."""
        if self.held:
            return
        with _locked(self._lock):
            state = self._read()
            if not state["ready"]:
                self._build()
                state["ready"] = True
            state["users"] += 1
            self._state.write_text(json.dumps(state))
        self.held = True

    def release(self) -> None:
        if not self.held:
            return
        with _locked(self._lock):
            state = self._read()
            state["users"] -= 1
            if state["users"] <= 0 and self._drop is not None:
                self._drop()
                state = {"ready": False, "users": 0}
            self._state.write_text(json.dumps(state))
        self.held = False

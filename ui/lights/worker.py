"""The lights' sync worker of a server process (issue 12): one daemon thread, created once
per process and database by st.cache_resource, that drains the sync queue whenever an import
in this process records a request (services.lights.queue.WAKE) and at least every
POLL_SECONDS (requests from other processes, the CLI); on SQLite, the embedded default, it
also runs the daily sweep once per China day. Pages never wait for it: they show
"预警更新中…" until their request is done (ui.lights.pending)."""

from __future__ import annotations

import logging
import threading

import streamlit as st

from services.lights import queue
from services.platform.database import engine_for

logger = logging.getLogger(__name__)
POLL_SECONDS = 30.0


def _run(url: str, stop: threading.Event) -> None:
    engine = engine_for(url)
    while not stop.is_set():
        queue.WAKE.wait(POLL_SECONDS)
        queue.WAKE.clear()
        try:
            while queue.drain(engine, actor="worker") is not None:
                pass  # requests recorded during the last sync: one more merged round
            if engine.dialect.name == "sqlite":
                queue.sweep_if_due(engine, actor="sweep")
        except Exception:  # the thread must survive a failing rule; the next round retries
            logger.exception("lights sync worker round failed")


@st.cache_resource(show_spinner=False)
def start_sync_worker(url: str) -> threading.Event:
    """Start the worker for `url` once per server process; returns its stop event."""
    stop = threading.Event()
    threading.Thread(target=_run, args=(url, stop), name="lights-sync-worker",
                     daemon=True).start()
    queue.WAKE.set()  # drain what was left pending before this process started
    return stop

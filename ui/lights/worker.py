"""The lights' background work of a server process (issue 12), started once per process and
database by st.cache_resource; pages never wait for it (they show "预警更新中…" until their
request is done, ui.lights.pending):

- the drain: a daemon thread drains the sync queue as soon as a write in this process records
  a request (services.lights.queue.WAKE) and at least every POLL_SECONDS (requests recorded
  by other processes or the CLI);
- the daily sweep, on SQLite (the embedded default) only: an APScheduler cron job just after
  midnight Asia/Shanghai, and once at start when today's sweep is not done yet. In production
  (PostgreSQL) the system's scheduler runs `manage.py sweep` (README). `sweep_if_due` records
  the day under the sync lock, so several processes never sweep twice."""

from __future__ import annotations

import logging
import threading

import streamlit as st
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.engine import Engine

from core.clock import CHINA_TZ
from services.lights import queue
from services.platform.database import engine_for

logger = logging.getLogger(__name__)
POLL_SECONDS = 30.0
SWEEP_AT = {"hour": 0, "minute": 5}  # China time: the day has turned everywhere


def _drain_forever(engine: Engine, stop: threading.Event) -> None:
    while not stop.is_set():
        queue.WAKE.wait(POLL_SECONDS)
        queue.WAKE.clear()
        try:
            while queue.drain(engine, actor="worker") is not None:
                pass  # requests recorded during the last sync: one more merged round
        except Exception:  # the thread must survive a failing rule; the next round retries
            logger.exception("lights sync worker round failed")


def _sweep(engine: Engine) -> None:
    try:
        queue.sweep_if_due(engine, actor="sweep")
    except Exception:  # a failed sweep is retried at the next start or the next night
        logger.exception("lights daily sweep failed")


def _schedule_sweep(engine: Engine) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone=CHINA_TZ)
    scheduler.add_job(_sweep, CronTrigger(timezone=CHINA_TZ, **SWEEP_AT), args=[engine],
                      id="lights-sweep", max_instances=1, coalesce=True,
                      misfire_grace_time=6 * 3600)
    scheduler.add_job(_sweep, args=[engine], id="lights-sweep-at-start")  # due since last night?
    scheduler.start()
    return scheduler


@st.cache_resource(show_spinner=False)
def start_sync_worker(url: str) -> threading.Event:
    """Start the drain (and on SQLite the daily sweep) for `url` once per server process;
    returns the drain's stop event."""
    stop = threading.Event()
    engine = engine_for(url)
    threading.Thread(target=_drain_forever, args=(engine, stop), name="lights-sync-worker",
                     daemon=True).start()
    if engine.dialect.name == "sqlite":
        _schedule_sweep(engine)
    queue.WAKE.set()  # drain what was left pending before this process started
    return stop

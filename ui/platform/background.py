"""Page work that takes seconds at province scale (e.g. this year's million cases counted for
the cockpit's ranking) runs in a background thread of the server process, so no page waits
for it: the page renders at once with a notice where the result will be, and a fragment
checks every POLL whether it is in, then reruns the page, which shows it. One computation per
key serves every session; finished results are kept for the next runs (keys carry what
invalidates them: database, scope, day, data stamp)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

import streamlit as st

logger = logging.getLogger(__name__)
T = TypeVar("T")
POLL = "1s"
# i18n keys of the notices the pages show while their background work runs (tests and
# bench/bench_pages.py rerun a page until none shows)
NOTICE_KEYS = ("esupervision.rank.computing", "esupervision.stats.computing",
               "trading.dashboard.computing", "feedback.dashboard.computing",
               "feedback.public.stats_computing")
MAX_KEPT = 64  # finished results kept; the oldest go first


class _Jobs:
    def __init__(self) -> None:
        # one worker: two heavy reads at once would only slow each other on 2 cores
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="page-background")
        self.futures: dict[Hashable, Future] = {}
        self.lock = threading.Lock()

    def submit(self, key: Hashable, fn: Callable[[], T]) -> Future:
        with self.lock:
            job = self.futures.get(key)
            if job is None:
                done = [k for k, f in self.futures.items() if f.done()]
                for old in done[:max(0, len(self.futures) + 1 - MAX_KEPT)]:
                    del self.futures[old]
                job = self.futures[key] = self.pool.submit(fn)
            return job

    def forget(self, key: Hashable) -> None:
        with self.lock:
            self.futures.pop(key, None)


@st.cache_resource(show_spinner=False)
def _jobs() -> _Jobs:
    return _Jobs()


def forget_all() -> None:
    """Forget every job, finished or not (a job still running finishes unheard): for a database
    replaced under the server, as the tests restore theirs; a job it killed would otherwise be
    raised on the next page that asks with the same key."""
    _jobs.clear()


def in_background(key: Hashable, fn: Callable[[], T], *, waiting: str) -> T | None:
    """`fn()`'s result once it is ready (computed once per `key`), else None after showing
    `waiting` where the result will appear. `fn` runs outside the script: it must not call
    Streamlit (pass it an engine, not the page's unit of work). A failure is raised on the
    page that asks (and the next run tries again)."""
    jobs = _jobs()
    job = jobs.submit(key, fn)
    if job.done():
        if job.exception() is not None:
            jobs.forget(key)
            raise job.exception()
        return job.result()
    _poll(job, waiting)
    return None


@st.fragment(run_every=POLL)
def _poll(job: Future, waiting: str) -> None:
    if job.done():
        st.rerun()  # the whole page, which now finds the result
    st.info(waiting, icon=":material/hourglass_top:")

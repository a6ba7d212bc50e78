#!/usr/bin/env python
"""Issue 12 bench: every page of the menu, for every role, at the scale of the database given:
the first render of the page in the session ("cold": its own reads and caches, after login and
the pages before it), for a page whose heavy counting runs in the background the time until its
figures are shown ("data_ready_s", rerunning as the page's poll does), and a rerun ("warm"),
in AppTest as the demo accounts. Prints JSON: per
user and page, cold and warm seconds, and the pages above the targets (cold ≤ 3 s, warm ≤ 1 s).

    python bench/bench_pages.py --database-url sqlite:////tmp/perf/seed/realtime_province.run.db
    python bench/bench_pages.py --database-url postgresql://… --users prov_leader,county_data

On an already seeded database (bench/bench_realtime.py --seeded … --seed-only, then a copy).
Runs with the app's background lights worker off (the bench measures the pages, not a sync
racing them)."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()
logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings, per run

from bench_supervision import login  # noqa: E402  (the real login form, in AppTest)
from streamlit.testing.v1 import AppTest  # noqa: E402

from i18n import DEFAULT_LANGUAGE, translate  # noqa: E402
from services.platform.demo_accounts import DEMO_USERS  # noqa: E402
from services.platform.settings import get_settings  # noqa: E402
from systems import all_pages  # noqa: E402
from ui.platform.background import NOTICE_KEYS  # noqa: E402

TIMEOUT = 600  # a cold page at province scale may read millions of rows
COLD_TARGET_S, WARM_TARGET_S = 3.0, 1.0
PUBLIC = "public"  # the public pages, as a visitor who is not logged in


def _timed(at: AppTest, page: str | None = None) -> float:
    t0 = time.perf_counter()
    if page:
        at.switch_page(page)
    at.run()
    return round(time.perf_counter() - t0, 2)


def _until_ready(at: AppTest) -> float | None:
    """Seconds from the page's first render until its background work is shown (None: the
    page had none), rerunning as the page's poll would."""
    waiting = {translate(k, DEFAULT_LANGUAGE) for k in NOTICE_KEYS}
    t0, waited = time.perf_counter(), False
    while any(i.value in waiting for i in at.info):
        waited = True
        time.sleep(0.2)
        at.run()
    return round(time.perf_counter() - t0, 2) if waited else None


def user_pages(username: str, roles: str) -> dict:
    """`username`'s menu (PUBLIC: the public pages, without logging in)."""
    have = set(roles.split(","))
    if username == PUBLIC:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=TIMEOUT)
        at.run()
    else:
        at = login(username)
    out = {}
    for spec in all_pages():
        if spec.public != (username == PUBLIC) or not (spec.public or spec.roles & have):
            continue
        cold = _timed(at, spec.path)
        ready = _until_ready(at)
        warm = _timed(at)
        error = repr(at.exception[0].value)[:200] if at.exception else None
        out[spec.path] = ({"cold_s": cold, "warm_s": warm} | ({"data_ready_s": ready} if ready else {})
                          | ({"error": error} if error else {}))
        print(f"  {username:18} {spec.path:38} cold {cold:6.2f}  warm {warm:6.2f}"
              + (f"  data in +{ready:.2f}" if ready else "") + (f"  ERROR {error}" if error else ""),
              file=sys.stderr, flush=True)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--database-url", required=True)
    ap.add_argument("--users", help="comma-separated demo usernames, or public (default: every demo "
                                    "account and the public pages)")
    args = ap.parse_args(argv)
    os.environ.update(DATABASE_URL=args.database_url, FIVESYS_DEMO_MODE="true",
                      FIVESYS_SYNC_WORKER="false")
    get_settings.cache_clear()
    wanted = set(args.users.split(",")) if args.users else None
    report: dict = {"pages": {}}
    for username, _name, roles, _region, _kind in [*DEMO_USERS, (PUBLIC, "", "", "", None)]:
        if wanted is None or username in wanted:
            report["pages"][username] = user_pages(username, roles)
    rows = [(u, p, t) for u, pages in report["pages"].items() for p, t in pages.items()]
    report["over_target"] = [
        {"user": u, "page": p, **t} for u, p, t in rows
        if "error" in t or t["cold_s"] > COLD_TARGET_S or t["warm_s"] > WARM_TARGET_S]
    # the page is drawn, but its figures come later: the time a user waits for them
    report["figures_after_3s"] = [
        {"user": u, "page": p, "figures_s": round(t["cold_s"] + t["data_ready_s"], 2)}
        for u, p, t in rows if t.get("data_ready_s") and t["cold_s"] + t["data_ready_s"] > COLD_TARGET_S]
    report["max_cold_s"] = max((t["cold_s"] for *_, t in rows), default=None)
    report["max_warm_s"] = max((t["warm_s"] for *_, t in rows), default=None)
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python
"""Issue 12's "done when", in a real browser at province scale: two county data officers, each
in a browser of her own, upload approval cases and press confirm at the same moment; each page
says the import is saved, shows "预警更新中…", then that its lights are current. Prints JSON: per
officer the seconds from the confirm click to the saved message and to the lights message
(the page polls every 2 s: ui.lights.pending), the sync request's own time from request to
done (the database's clock), and the lights the cases got; then no alert stored twice.

    python bench/bench_browser_upload.py --seeded /tmp/perf/seed          # SQLite
    python bench/bench_browser_upload.py --database-url postgresql://postgres@127.0.0.1:5432/test --seeded rt_province

On a copy of a seeded province (bench/bench_realtime.py --seeded … --seed-only). The server
is `streamlit run serve.py` on a free loopback port (bench/appserver.py) with its own lights
worker; on SQLite that worker sweeps once at start when today's sweep is not recorded, and the
uploads wait for it (the figure is the uploads', not a sweep's)."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()

from appbrowser import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    CONTEXT_OPTIONS,
    IDLE_TIMEOUT_S,
    assert_no_exception,
    login,
    open_page,
    tr,
    wait_for_idle,
)
from appserver import running_app  # noqa: E402
from seeded_copy import seeded_copy  # noqa: E402
from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session  # noqa: E402

from core.clock import china_today  # noqa: E402
from models.db import make_engine  # noqa: E402
from models.esupervision import ApprovalCase  # noqa: E402
from models.lights import Alert, LightsState, SyncRequest  # noqa: E402
from models.power import Power  # noqa: E402
from models.users import User  # noqa: E402
from services.lights.queue import SWEEP_STATE  # noqa: E402
from services.power.catalog import in_force_clause  # noqa: E402

OFFICERS = ("county_data", "county2_data")  # two counties' data officers (the demo accounts)
HEAD = "办件编号,职权编码,受理渠道,受理日期,受理时间,办理状态,办结日期,办结时间,不予许可理由,实收费用\n"
SWEEP_WAIT_S = 300


def _cases_csv(engine, username: str, n: int, tag: str) -> bytes:  # noqa: ANN001
    """`n` concluded window cases of an in-force power of the officer's department, a third
    at the standard fee and two thirds above it (AP-R3's red light)."""
    with Session(engine) as s:
        dept = s.execute(select(User.department_id).where(User.username == username)).scalar_one()
        power = s.execute(select(Power).where(in_force_clause(), Power.department_id == dept)
                          .order_by(Power.id)).scalars().first()
    fee, day = float(power.fee_standard or 0), china_today() - timedelta(days=30)
    rows = [f"BB{tag}-{i:05d},{power.current_code},窗口,{day},10:00,已办结,{day + timedelta(days=2)},"
            f"16:00,,{fee + (i % 3) * 40}\n" for i in range(n)]
    return (HEAD + "".join(rows)).encode("utf-8")


def _wait_for_sweep(engine) -> float:  # noqa: ANN001
    """Seconds until today's sweep is recorded (the SQLite server's worker sweeps at start)."""
    t0, today = time.perf_counter(), china_today().isoformat()
    while time.perf_counter() - t0 < SWEEP_WAIT_S:
        with Session(engine) as s:
            state = s.get(LightsState, SWEEP_STATE)
            if state is not None and state.value >= today:
                return round(time.perf_counter() - t0, 1)
        time.sleep(1)
    raise RuntimeError(f"the server's sweep was not done within {SWEEP_WAIT_S} s")


def _ready_to_confirm(page, base: str, username: str, upload: Path, n: int) -> None:  # noqa: ANN001
    """Logged in, the cases' file chosen and checked: one click from confirming."""
    main = page.locator('[data-testid="stMain"]')
    login(page, base, username)
    open_page(page, base, "data_upload")
    kind = tr("esupervision.upload.cases")
    box = main.locator('[data-testid="stSelectbox"]').first
    if box.locator("input").input_value() != kind:
        box.click()
        page.get_by_role("option", name=kind, exact=True).click()
        wait_for_idle(page, settle_s=1.0)
    main.locator('input[type="file"]').set_input_files(str(upload))
    wait_for_idle(page, settle_s=1.0)
    main.get_by_role("button", name=tr("ingest.check_button")).click()
    try:
        main.get_by_text(tr("ingest.ready", new=n, changed=0, unchanged=0)).first.wait_for(timeout=120_000)
    except Exception as exc:
        page.screenshot(path=str(upload.with_suffix(".png")), full_page=True)
        raise RuntimeError(f"{username}: the check did not pass; the page says: "
                           f"{main.inner_text()[:1500]}") from exc
    wait_for_idle(page, settle_s=1.5)
    assert_no_exception(page)


def _confirm_together(pages: list, n: int) -> list[dict]:  # noqa: ANN001
    """Both confirm clicks at once, then each page's saved and lights-current messages, timed
    from its own click (polled together: neither page waits for the other's messages)."""
    saved, done = tr("ingest.committed", new=n, changed=0, unchanged=0), tr("lights.queue.done")
    pending = tr("lights.queue.pending")
    clicked = []
    for page in pages:
        page.locator('[data-testid="stMain"]').get_by_role("button", name=tr("ingest.confirm_button")).click()
        clicked.append(time.perf_counter())
    out = [{"saved_s": None, "pending_shown": False, "lights_s": None} for _ in pages]
    deadline = time.perf_counter() + 600
    while any(o["lights_s"] is None for o in out) and time.perf_counter() < deadline:
        for page, t0, o in zip(pages, clicked, out, strict=True):
            text = page.locator('[data-testid="stMain"]').inner_text()
            now = round(time.perf_counter() - t0, 2)
            if o["saved_s"] is None and saved in text:
                o["saved_s"] = now
            o["pending_shown"] |= pending in text
            if o["lights_s"] is None and done in text:
                o["lights_s"] = now
        time.sleep(0.05)
    for page in pages:
        assert_no_exception(page)
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--database-url")
    ap.add_argument("--seeded", required=True, help="the kept seed (see bench/bench_realtime.py)")
    ap.add_argument("--cases", type=int, default=100, help="cases per officer")
    args = ap.parse_args(argv)
    if not CHROMIUM.exists():
        raise SystemExit(f"no {CHROMIUM}: apt-get install chromium fonts-noto-cjk")
    from playwright.sync_api import sync_playwright

    url, drop, _seed_s = seeded_copy(args.database_url, args.seeded, "province")
    engine = make_engine(url)
    report: dict = {"database": engine.dialect.name, "cases_per_officer": args.cases}
    tmp = Path(tempfile.mkdtemp(prefix="bench_browser_"))
    try:
        tag = time.strftime("%H%M%S")
        uploads = []
        for k, name in enumerate(OFFICERS):  # case numbers: letters, digits and dashes
            path = tmp / f"审批办件_{name}.csv"
            path.write_bytes(_cases_csv(engine, name, args.cases, f"{k}-{tag}"))
            uploads.append(path)
        with running_app(url, tmp / "server.log") as (_proc, base), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
            pages = []
            for name, path in zip(OFFICERS, uploads, strict=True):
                ctx = browser.new_context(**CONTEXT_OPTIONS)
                ctx.set_default_timeout(IDLE_TIMEOUT_S * 1000)
                page = ctx.new_page()
                _ready_to_confirm(page, base, name, path, args.cases)
                pages.append(page)
            if engine.dialect.name == "sqlite":
                report["waited_for_the_start_sweep_s"] = _wait_for_sweep(engine)
            first = _max_request(engine)
            for name, seen in zip(OFFICERS, _confirm_together(pages, args.cases), strict=True):
                report[name] = seen
            browser.close()
        report |= _stored(engine, first, tag)
    finally:
        engine.dispose()
        drop()
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


def _max_request(engine) -> int:  # noqa: ANN001
    with Session(engine) as s:
        return s.execute(select(func.max(SyncRequest.id))).scalar_one() or 0


def _stored(engine, after_request: int, tag: str) -> dict:  # noqa: ANN001
    """The uploads' sync requests (request → done, the database's clock), the lights of their
    cases by rule, and whether any alert is stored twice."""
    with Session(engine) as s:
        requests = s.execute(select(SyncRequest.requested_at, SyncRequest.done_at)
                             .where(SyncRequest.id > after_request)).all()
        cases = select(ApprovalCase.case_no).where(ApprovalCase.case_no.like(f"BB%-{tag}-%"))
        by_rule = dict(s.execute(select(Alert.rule_id, func.count()).where(
            Alert.subject_id.in_(cases)).group_by(Alert.rule_id).order_by(Alert.rule_id)).all())
        stored_cases = s.execute(select(func.count()).select_from(cases.subquery())).scalar_one()
        twice = s.execute(select(func.count()).select_from(
            select(Alert.rule_id).group_by(Alert.rule_id, Alert.subject_type, Alert.subject_id)
            .having(func.count() > 1).subquery())).scalar_one()
    return {"sync_requests_s": sorted(round((d - r).total_seconds(), 2) if d else None
                                      for r, d in requests),
            "cases_stored": stored_cases, "lights_by_rule": by_rule, "alerts_stored_twice": twice}


if __name__ == "__main__":
    raise SystemExit(main())

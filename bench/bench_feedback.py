"""S5 public feedback at province scale (not a test). Prints one JSON object:

  seed seconds (the organisation and ≥ 1,000,000 tickets with their events, in bulk); KPIs for
  a year by department and by month (counted in SQL, services.feedback.kpi_sql); the FB rules
  end to end (loaders + rules); the ticket list page in AppTest, cold and warm; peak RSS. The
  KPI and rule steps also give CPU seconds (`*_cpu_s`) and the 1-minute load average.

Targets (2 cores): KPIs ≤ 3 s, rules ≤ 10 s, list page warm ≤ 1 s.

    python bench/bench_feedback.py [--database-url URL] [--scale province|small] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()

from sqlalchemy import func, select  # noqa: E402
from sqlmodel import Session, SQLModel  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from core.clock import china_today  # noqa: E402
from metrics.feedback.rules import RULES  # noqa: E402
from metrics.lights.registry import evaluate  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from models.feedback import Ticket, TicketEvent  # noqa: E402
from services.feedback.kpi_sql import kpi_parts, kpis_from  # noqa: E402
from services.feedback.seed import seed_feedback  # noqa: E402
from services.lights.inputs import load_inputs  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.seed import seed_org  # noqa: E402
from services.platform.settings import DEMO_PASSWORD, get_settings  # noqa: E402


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def timed(fn):  # noqa: ANN001, ANN201
    t0 = time.perf_counter()
    out = fn()
    return out, round(time.perf_counter() - t0, 3)


def timed_cpu(out: dict, key: str, result: str, fn) -> None:  # noqa: ANN001
    """Wall seconds as `key`, this process's CPU seconds and the 1-minute load beside them
    (the machine is shared: CPU seconds say more than wall time under load)."""
    c0 = time.process_time()
    out[result], out[key] = timed(fn)
    out[key.removesuffix("_s") + "_cpu_s"] = round(time.process_time() - c0, 3)
    out[key.removesuffix("_s") + "_load_1min"] = round(os.getloadavg()[0], 2)


def list_page(url: str) -> tuple[float, float]:
    os.environ["DATABASE_URL"] = url
    os.environ["FIVESYS_DEMO_MODE"] = "true"
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.text_input[0].input("hotline_op")
    at.text_input[1].input(DEMO_PASSWORD)
    at.button[0].click().run()
    at.switch_page("pages/feedback/tickets.py")
    _, cold = timed(at.run)
    _, warm = timed(at.run)
    assert not at.exception, at.exception
    return cold, warm


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url", default=f"sqlite:///{Path(tempfile.gettempdir()) / 'bench_feedback.db'}")
    ap.add_argument("--scale", choices=["small", "province"], default="province")
    ap.add_argument("--reuse", action="store_true", help="keep an already seeded database")
    args = ap.parse_args()
    engine = make_engine(args.database_url)
    out: dict = {"backend": engine.dialect.name, "scale": args.scale}
    with Session(engine) as s:
        try:
            have = s.execute(select(func.count()).select_from(Ticket)).scalar_one()
        except Exception:  # noqa: BLE001  (no schema yet)
            have = 0
    if not (args.reuse and have):
        if engine.dialect.name == "sqlite":
            engine.dispose()
            Path(engine.url.database).unlink(missing_ok=True)
            engine = make_engine(args.database_url)
        else:
            SQLModel.metadata.drop_all(engine)
            with engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade_to_head(engine)
        SQLModel.metadata.create_all(engine)

        def seed() -> dict:
            with session_scope(engine) as s:
                org = seed_org(s, scale=args.scale)
                return {"org": org, "feedback": seed_feedback(s, scale=args.scale)}

        out["seed"], out["seed_s"] = timed(seed)
    with Session(engine) as s:
        out["tickets"] = s.execute(select(func.count()).select_from(Ticket)).scalar_one()
        out["events"] = s.execute(select(func.count()).select_from(TicketEvent)).scalar_one()
    today = china_today()

    def kpis() -> dict:
        with Session(engine) as s:
            parts = kpi_parts(s.connection(), None, by=["month", "department_id"], today=today,
                              since=today - timedelta(days=365), until=today)
        whole = kpis_from(parts, []).row(0, named=True)
        return {"departments": kpis_from(parts, ["department_id"]).height,
                "months": kpis_from(parts, ["month"]).height, "tickets": whole["repeat_den"]}

    timed_cpu(out, "kpis_year_s", "kpi_counts", kpis)

    def rules() -> dict:
        frames = load_inputs(engine, set().union(*(r.inputs for r in RULES)))
        return {r.id: evaluate(r, frames).height for r in RULES}

    timed_cpu(out, "rules_end_to_end_s", "alerts", rules)
    out["list_page_cold_s"], out["list_page_warm_s"] = list_page(args.database_url)
    out["peak_rss_mb"] = rss_mb()
    out["targets"] = {"kpis_year_s": 3, "rules_end_to_end_s": 10, "list_page_warm_s": 1}
    print(json.dumps(out, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

"""S2 public resource trading at province scale (not a test). Prints one JSON object:

  seed seconds (org + the trading step at `--scale province`: ≥ 100 000 processes, ≥ 500 000
  bids); flags end to end (`sync-alerts`: read the register, every S2 rule, write the alerts;
  first run and steady state) and the S2 rules alone on frames in memory; the Cardinal command
  (`trading-flags`, every indicator) on the register's compiled releases as JSON Lines; the
  register page in AppTest, cold and warm; peak RSS.

Targets (2 cores): flags ≤ 10 s, Cardinal on 100 000 compiled releases ≤ 10 s, register warm
≤ 1 s.

    python bench/bench_trading.py [--database-url URL] [--scale province|small] [--reuse]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import startup  # noqa: E402

startup.boot()

from sqlalchemy import func, select  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from metrics.lights.registry import evaluate  # noqa: E402
from metrics.trading.rules import RULES  # noqa: E402
from models.db import make_engine, session_scope  # noqa: E402
from models.trading import TradeBid, TradeProcess  # noqa: E402
from services.lights.inputs import load_inputs  # noqa: E402
from services.lights.sync import sync_alerts  # noqa: E402
from services.platform.schema import upgrade_to_head  # noqa: E402
from services.platform.scope import ALL  # noqa: E402
from services.platform.seed import seed_org  # noqa: E402
from services.platform.settings import DEMO_PASSWORD, get_settings  # noqa: E402
from services.trading.commands import cardinal_output  # noqa: E402
from services.trading.ocds_export import RegisterFilter, export_jsonl  # noqa: E402
from services.trading.seed import seed_trading  # noqa: E402

ALL_INDICATORS = ("no_price_comparison_procurement_methods = 挂牌|拍卖\n"
                  "[R003]\n[R003.procurement_method_details]\n公开招标 = 20\n邀请招标 = 20\n竞争性磋商 = 10\n"
                  "[R018]\n[R024]\n[R025]\n[R028]\n[R030]\n[R035]\n[R036]\n[R038]\n[R044]\n[R048]\n[R058]\n")


def rss_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


CPU: dict[str, float] = {}   # CPU seconds of this process per timed step (the machine is shared)
LOAD: dict[str, float] = {}  # 1-minute load average when each step ended


def timed(fn, name: str = ""):  # noqa: ANN001, ANN201
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    if name:
        CPU[name], LOAD[name] = round(time.process_time() - c, 2), round(os.getloadavg()[0], 1)
    return out, round(time.perf_counter() - t, 2)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--database-url")
    ap.add_argument("--scale", default="province", choices=("small", "province"))
    ap.add_argument("--reuse", action="store_true", help="keep the seeded database of a previous run")
    args = ap.parse_args()
    path = Path(tempfile.gettempdir()) / f"bench_trading_{args.scale}.db"
    url = args.database_url or f"sqlite:///{path}"
    fresh = not (args.reuse and path.exists()) if not args.database_url else not args.reuse
    if fresh and not args.database_url:
        path.unlink(missing_ok=True)
    engine = make_engine(url)
    report: dict = {"backend": engine.dialect.name, "scale": args.scale}
    if fresh:
        upgrade_to_head(engine)
        with session_scope(engine) as s:
            (_, report["seed_org_s"]) = timed(lambda: seed_org(s, scale=args.scale))
        with session_scope(engine) as s:
            counts, report["seed_trading_s"] = timed(lambda: seed_trading(s, scale=args.scale))
        report["seeded"] = counts
    with session_scope(engine) as s:
        report["processes"] = s.execute(select(func.count()).select_from(TradeProcess)).scalar_one()
        report["bids"] = s.execute(select(func.count()).select_from(TradeBid)).scalar_one()

    names = {n for r in RULES for n in r.inputs}
    frames, report["s2_loaders_s"] = timed(lambda: load_inputs(engine, names), "s2_loaders")
    def rules():  # noqa: ANN202
        return {r.id: evaluate(r, frames).height for r in RULES}
    report["s2_flags"], report["s2_rules_in_memory_s"] = timed(rules, "s2_rules_in_memory")
    first, report["sync_first_s"] = timed(lambda: sync_alerts(engine, actor="bench"), "sync_first")
    report["sync_first_new"] = first.new
    again, report["sync_again_s"] = timed(lambda: sync_alerts(engine, actor="bench"), "sync_again")
    report["sync_again_unchanged"] = again.unchanged

    with session_scope(engine) as s:
        text, report["export_jsonl_s"] = timed(lambda: export_jsonl(session=s, scope=ALL, flt=RegisterFilter()), "export_jsonl")
    jsonl = Path(tempfile.gettempdir()) / "bench_trading_compiled.jsonl"
    jsonl.write_text(text, encoding="utf-8")
    report["jsonl_releases"] = text.count("\n")
    report["jsonl_mb"] = round(jsonl.stat().st_size / 1e6, 1)
    out, report["cardinal_command_s"] = timed(lambda: cardinal_output(jsonl, ALL_INDICATORS), "cardinal_command")
    report["cardinal_results"] = {g: len(v) for g, v in out.items() if g != "Meta"}

    os.environ["DATABASE_URL"] = url
    os.environ["FIVESYS_DEMO_MODE"] = "false"
    os.environ.setdefault("FIVESYS_AUTH_COOKIE_KEY", "bench-" + "k" * 40)
    get_settings.cache_clear()
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=600)
    at.run()
    at.text_input[0].input("prov_leader")
    at.text_input[1].input(DEMO_PASSWORD)
    at.button[0].click()
    at.run()
    at.switch_page("pages/trading/register.py")
    _, report["register_cold_s"] = timed(at.run, "register_cold")
    _, report["register_warm_s"] = timed(at.run, "register_warm")
    report["register_exception"] = [str(e.value)[:200] for e in at.exception]
    report["register_page"] = {"titles": [x.value for x in at.title],
                               "rows": at.dataframe[0].value.shape[0] if at.dataframe else 0}
    report["peak_rss_mb"] = rss_mb()
    report["cpu_s"], report["load_1min"] = CPU, LOAD
    print(json.dumps(report, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()

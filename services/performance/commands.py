"""manage.py commands of S3: compute-scores, close-period, scores."""

from __future__ import annotations

import argparse
import json
import sys


def _engine():  # noqa: ANN202
    from services.platform.database import default_engine

    return default_engine()


def _fail(exc: Exception) -> int:
    from i18n import translate

    key = getattr(exc, "key", None)
    params = {k: v for k, v in getattr(exc, "params", {}).items() if k != "problems"}
    print(f"error: {translate(key, 'en', **params) if key else exc}", file=sys.stderr)
    return 2


def cmd_compute(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.performance.catalog import PerformanceError
    from services.performance.run import compute_period

    try:
        with session_scope(_engine()) as session:
            summary = compute_period(session=session, actor=args.actor, code=args.period,
                                     dry_run=args.dry_run)
    except PerformanceError as exc:
        return _fail(exc)
    print(json.dumps(summary, ensure_ascii=False))
    return 0


def cmd_close(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.performance.catalog import PerformanceError
    from services.performance.periods import close_period

    try:
        with session_scope(_engine()) as session:
            period = close_period(session=session, actor=args.actor, code=args.period)
            print(f"period {period.code} closed")
    except PerformanceError as exc:
        return _fail(exc)
    return 0


def cmd_scores(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.performance.catalog import PerformanceError
    from services.performance.read import ranking
    from services.platform.scope import ALL

    try:
        with session_scope(_engine()) as session:
            frame = ranking(session=session, scope=ALL, period_code=args.period)
    except PerformanceError as exc:
        return _fail(exc)
    if args.format == "json":
        print(json.dumps(frame.to_dicts(), ensure_ascii=False, default=str))
    else:
        sys.stdout.write(frame.write_csv())
    return 0


def add_commands(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("compute-scores", help="S3: score a period for every department")
    p.add_argument("--period", required=True, help="period code, e.g. 2026Q4")
    p.add_argument("--dry-run", action="store_true", help="compute and print, write nothing")
    p.add_argument("--actor", default="cli")
    p.set_defaults(func=cmd_compute)
    p = sub.add_parser("close-period", help="S3: compute a last time and freeze a period")
    p.add_argument("period")
    p.add_argument("--actor", default="cli")
    p.set_defaults(func=cmd_close)
    p = sub.add_parser("scores", help="S3: print a period's department scores")
    p.add_argument("--period", required=True)
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_scores)

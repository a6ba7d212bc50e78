"""manage.py commands of S5: Open311 GeoReport v2 JSON files in and out.

  feedback-export [--out FILE] [--days N] [--status open|closed]   published requests as JSON
  feedback-import FILE [--dry-run]   register a JSON array of GeoReport requests (another
                                      hotline's export) as new tickets; all or nothing"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path


def _engine():  # noqa: ANN202
    from services.platform.database import engine_for
    from services.platform.settings import get_settings

    return engine_for(get_settings().database_url)


def cmd_export(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from services.feedback.open311 import MAX_RESULTS, find_requests

    end = datetime.now(UTC)
    with Session(_engine()) as s:
        items = find_requests(s, start=end - timedelta(days=args.days), end=end, status=args.status)
    text = json.dumps(items, ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        print(text)
    note = " (the newest only)" if len(items) == MAX_RESULTS else ""
    print(f"{len(items)} requests{note}", file=sys.stderr)
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.feedback.open311 import Open311Error, import_requests

    try:
        items = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        print("error: the file must hold a JSON array of GeoReport requests", file=sys.stderr)
        return 2
    try:
        with session_scope(_engine()) as s:
            done = import_requests(s, items=items, actor="cli")
            if args.dry_run:
                s.rollback()
    except Open311Error as exc:
        print(f"error: {exc.description}; nothing was imported", file=sys.stderr)
        return 1
    for no, code in done:
        print(f"{no}\t{code}")
    print(f"{len(done)} tickets {'checked' if args.dry_run else 'registered'}", file=sys.stderr)
    return 0


def add_commands(sub) -> None:  # noqa: ANN001
    p = sub.add_parser("feedback-export", help="S5: published requests as Open311 GeoReport v2 JSON")
    p.add_argument("--out", help="file to write (default: standard output)")
    p.add_argument("--days", type=int, default=90, help="received in the last N days (default 90)")
    p.add_argument("--status", choices=["open", "closed"])
    p.set_defaults(func=cmd_export)
    p = sub.add_parser("feedback-import", help="S5: register Open311 GeoReport v2 requests from a JSON file")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check every item, write nothing")
    p.set_defaults(func=cmd_import)

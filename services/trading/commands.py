"""manage.py commands of S2: Cardinal's indicators on a JSON Lines file, OCDS import/export."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def iter_json_lines(path: Path, *, warn: bool = True) -> Iterator[Any]:
    """One JSON value per line, as Cardinal reads its input: blank lines are skipped silently,
    invalid lines with a warning on stderr."""
    loads = _loads()
    with path.open("rb") as fh:
        for i, line in enumerate(fh, start=1):
            try:
                yield loads(line)
            except ValueError as e:
                if line.strip() and warn:
                    print(f"Line {i} is invalid JSON, skipping. [{e}]", file=sys.stderr)


def _loads():  # noqa: ANN202
    try:
        import orjson
        return orjson.loads
    except ImportError:  # pragma: no cover - orjson is in requirements.txt
        return json.loads


def cardinal_output(path: Path, settings_text: str, *, meta: bool = True) -> dict[str, Any]:
    from metrics.trading.cardinal import run
    from metrics.trading.cardinal_settings import parse_settings

    return run(iter_json_lines(path), parse_settings(settings_text), meta=meta)


def cmd_trading_flags(args: argparse.Namespace) -> int:
    from metrics.trading.cardinal_settings import SettingsError

    text = Path(args.settings).read_text(encoding="utf-8") if args.settings else ""
    try:
        out = cardinal_output(Path(args.file), text, meta=not args.no_meta)
    except SettingsError as e:
        print(f"error: settings: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False, separators=(",", ":"), allow_nan=False))
    if args.count:
        for group, values in out.items():
            if group != "Meta":
                print(f"{group}: {len(values)}", file=sys.stderr)
    return 0


def cmd_trading_import(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.platform.database import default_engine
    from services.trading.ocds_import import OcdsImportError, import_ocds_file

    try:
        with session_scope(default_engine()) as session:
            counts = import_ocds_file(session=session, actor=args.actor, path=Path(args.file))
    except OcdsImportError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    print(", ".join(f"{k}={v:,}" for k, v in counts.items()))
    return 0


def cmd_trading_export(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.platform.database import default_engine
    from services.platform.scope import ALL
    from services.trading.ocds_export import RegisterFilter, export_jsonl, export_package

    flt = RegisterFilter(ocids=tuple(args.ocid or ()), domain=args.domain)
    with session_scope(default_engine()) as session:
        if args.format == "jsonl":
            text = export_jsonl(session=session, scope=ALL, flt=flt)
        else:
            text = json.dumps(export_package(session=session, scope=ALL, flt=flt),
                              ensure_ascii=False, indent=1)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("trading-flags", help="Cardinal's red-flag indicators on OCDS compiled "
                       "releases (JSON Lines); prints Cardinal's JSON output")
    p.add_argument("file", help="JSON Lines file, one compiled release per line")
    p.add_argument("--settings", "-s", help="Cardinal's INI settings file")
    p.add_argument("--no-meta", action="store_true", help="leave out the Meta key")
    p.add_argument("--count", "-c", action="store_true", help="results per group on stderr")
    p.set_defaults(func=cmd_trading_flags)

    p = sub.add_parser("trading-import", help="import OCDS release/record packages or JSON "
                       "Lines of releases into the trading register (merged with ocdsmerge)")
    p.add_argument("file")
    p.add_argument("--actor", default="cli")
    p.set_defaults(func=cmd_trading_import)

    p = sub.add_parser("trading-export", help="export the trading register as an OCDS release "
                       "package or compiled-release JSON Lines")
    p.add_argument("--format", choices=("package", "jsonl"), default="package")
    p.add_argument("--ocid", action="append", help="only this ocid (repeatable)")
    p.add_argument("--domain", help="only this domain (works, procurement, land, …)")
    p.add_argument("--out", help="file to write (default: stdout)")
    p.set_defaults(func=cmd_trading_export)

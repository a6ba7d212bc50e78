#!/usr/bin/env python
"""Command line for operators: python manage.py COMMAND [options]  (--help for the list)."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
import time

import startup
from services.platform.database import default_engine
from services.platform.settings import get_settings
from systems import SYSTEMS


def cmd_init_db(args: argparse.Namespace) -> int:
    from services.platform.schema import current_revision, upgrade_to_head

    engine = default_engine()
    upgrade_to_head(engine)
    print(f"database at revision {current_revision(engine)} ({engine.url.render_as_string(hide_password=True)})")
    return 0


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from services.platform.demo import SeedError, seed_demo
    from services.platform.schema import upgrade_to_head

    engine = default_engine()
    upgrade_to_head(engine)
    started = time.perf_counter()
    try:
        results = seed_demo(engine, scale=args.scale,
                            progress=lambda step: print(f"seeding {step} …", flush=True))
    except SeedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for step, counts in results.items():
        print(f"  {step}: " + ", ".join(f"{k}={v:,}" for k, v in counts.items()))
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


def cmd_init_org(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.platform.demo import database_is_empty
    from services.platform.reference import load_reference_org
    from services.platform.schema import upgrade_to_head

    engine = default_engine()
    upgrade_to_head(engine)
    with session_scope(engine) as session:
        if not database_is_empty(session=session):
            print("error: the database already holds regions", file=sys.stderr)
            return 2
        counts = load_reference_org(session=session)
    print(f"loaded {counts['regions']} regions and {counts['departments']} departments of 辽宁省")
    return 0


def cmd_create_user(args: argparse.Namespace) -> int:
    from i18n import translate
    from models.db import session_scope
    from models.users import UserCreate
    from services.platform.scope import ALL
    from services.platform.users import UserError, create_user

    password = args.password or getpass.getpass("password: ")
    try:
        data = UserCreate(username=args.username, display_name=args.name or args.username,
                          roles=args.roles, region_code=args.region,
                          department_id=args.department_id, password=password)
        with session_scope(default_engine()) as session:
            user = create_user(session=session, actor="cli", actor_scope=ALL, data=data)
    except UserError as exc:
        print(f"error: {translate(exc.key, 'en', **exc.params)}", file=sys.stderr)
        return 2
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"created user {user.username} ({user.roles}) in region {user.region_code}")
    return 0


def cmd_verify_audit(args: argparse.Namespace) -> int:
    from services.platform.audit import verify_chain

    try:
        report = verify_chain(default_engine(), anchor=args.anchor)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if report.ok:
        print(f"audit chain intact: {report.checked} events")
        return 0
    print(f"audit chain BROKEN at event {report.first_bad_id}: {report.reason} "
          f"({report.checked} events verified before it)", file=sys.stderr)
    return 1


def cmd_audit_anchor(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.platform.audit import head_anchor

    with session_scope(default_engine()) as session:
        print(head_anchor(session=session))
    return 0


def cli_actor(note: str | None = None) -> str:
    try:
        who = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (containers)
        who = str(os.getuid())
    actor = f"cli:{who}"
    if note and note != "cli":
        actor += f" ({note})"
    return actor[:64]


def cmd_import(args: argparse.Namespace) -> int:
    """Same pipeline as the upload page, as the admin (whole province)."""
    from pathlib import Path

    from i18n import translate
    from models.db import session_scope
    from services.platform import ingest
    from services.platform.scope import ALL

    path = Path(args.file)
    if not path.is_file():
        print(f"error: no such file: {path}", file=sys.stderr)
        return 2
    engine = default_engine()
    lang = args.lang
    # The CLI writes as itself, never as a user it names: `cli:<os user>`, and --actor only
    # as a note after it (issue 17).
    actor = cli_actor(args.actor)
    try:
        with session_scope(engine) as session:
            result = ingest.prepare(args.kind, path.name, path.read_bytes(), session=session,
                                    actor=actor, scope=ALL, lang=lang, sheet=args.sheet)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    if result.status == "ready" and args.dry_run:
        with session_scope(engine) as session:
            result = ingest.dry_run(result, session=session, actor=actor, scope=ALL)
    elif result.status == "ready":
        result = ingest.commit(engine, result, actor=actor, scope=ALL)
    if result.status == "rejected":
        report = ingest.error_report(result.errors, args.kind, lang)
        with __import__("polars").Config(tbl_rows=args.max_errors, tbl_width_chars=200,
                                         fmt_str_lengths=80, tbl_hide_dataframe_shape=True):
            print(report.head(args.max_errors))
        print(translate(result.message_key, lang, **result.message_params), file=sys.stderr)
        return 1
    print(translate(result.message_key, lang, **result.message_params))
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from pathlib import Path

    from data_checks.kinds import get_kind
    from data_checks.templates import template_xlsx

    try:
        kind = get_kind(args.kind)
    except KeyError as exc:
        print(f"error: {exc.args[0]}", file=sys.stderr)
        return 2
    Path(args.out).write_bytes(template_xlsx(kind, args.lang))
    print(f"template for {kind.key} written to {args.out}")
    return 0


def cmd_sync_alerts(args: argparse.Namespace) -> int:
    """Drain the lights' sync queue (what imports and forms touched); --full: every rule."""
    from services.lights.queue import drain
    from services.lights.sync import sync_alerts

    engine = default_engine()
    result = sync_alerts(engine, actor="cli") if args.full else drain(engine, actor="cli")
    if result is None:
        print("nothing pending")
        return 0
    print(f"rules={result.rules} new={result.new} updated={result.updated} "
          f"reopened={result.reopened} cleared={result.cleared} refreshed={result.refreshed} "
          f"unchanged={result.unchanged} escalated={result.escalated} "
          f"time={result.seconds:.2f}s")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    """The daily sweep of the rules time moves (run it after 00:00 Asia/Shanghai)."""
    from services.lights.queue import sweep

    r = sweep(default_engine(), actor="cli")
    print(f"rules={r.rules} new={r.new} updated={r.updated} reopened={r.reopened} "
          f"cleared={r.cleared} refreshed={r.refreshed} time={r.seconds:.2f}s")
    return 0


def cmd_lights(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from services.lights.read import AlertFilter, alerts_frame
    from services.platform.scope import ALL

    flt = AlertFilter(systems=tuple(args.system or ()), levels=tuple(args.level or ()),
                      statuses=tuple(args.status or ()))
    with session_scope(default_engine()) as session:
        frame = alerts_frame(session=session, scope=ALL, flt=flt)
    frame = frame.select(
        "id", "rule_id", "system", "level", "status", "subject_type", "subject_id",
        "department_id", "department_name", "region_code", "region_name", "facts",
        "detected_at")
    if args.format == "json":
        import json

        rows = frame.with_columns(frame["detected_at"].dt.to_string("%Y-%m-%dT%H:%M:%S%z")).to_dicts()
        for row in rows:
            row["facts"] = json.loads(row["facts"])
        print(json.dumps(rows, ensure_ascii=False, indent=1))
    else:
        # cells a spreadsheet would run (=HYPERLINK(...), @SUM(...)) stay text
        from services.platform.export import neutralise_formulas

        sys.stdout.write(neutralise_formulas(frame).write_csv())
    return 0


def cmd_db_revision(args: argparse.Namespace) -> int:
    from services.platform.schema import new_revision

    new_revision(default_engine(), args.message)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init-db", help="create or upgrade the schema to the latest migration"
                   ).set_defaults(func=cmd_init_db)

    p = sub.add_parser("seed-demo", help="fill an empty database with the demo province")
    p.add_argument("--scale", choices=("small", "province"), default="small")
    p.set_defaults(func=cmd_seed_demo)

    sub.add_parser("init-org", help="load the province's real regions and standard departments "
                   "(production start, no demo users)").set_defaults(func=cmd_init_org)

    p = sub.add_parser("create-user", help="create a user (e.g. the first admin)")
    p.add_argument("username")
    p.add_argument("--roles", required=True, help="comma-separated: admin,leader,data_officer,evaluator,supervisor")
    p.add_argument("--region", required=True, help="6-digit region code of the user's scope")
    p.add_argument("--name", help="display name")
    p.add_argument("--department-id", type=int)
    p.add_argument("--password", help="omit to be asked (keeps it out of shell history)")
    p.set_defaults(func=cmd_create_user)

    p = sub.add_parser("verify-audit", help="check the audit log's hash chain; non-zero if broken")
    p.add_argument("--anchor", help="ID:DIGEST printed earlier by audit-anchor: that event "
                   "must still be in the chain, unchanged (catches a deleted tail)")
    p.set_defaults(func=cmd_verify_audit)
    sub.add_parser("audit-anchor", help="print the audit chain's head (ID:DIGEST) to keep "
                   "outside the database for verify-audit --anchor").set_defaults(func=cmd_audit_anchor)

    p = sub.add_parser("import", help="check and import a CSV/xlsx file of an upload kind; "
                       "prints the problems and exits 1 when the file is rejected")
    p.add_argument("kind", help="upload kind, e.g. regions, departments, users")
    p.add_argument("file")
    p.add_argument("--dry-run", action="store_true", help="check only, write nothing")
    p.add_argument("--sheet", help="Excel sheet name (default: the first sheet)")
    p.add_argument("--actor", help="a note recorded after the CLI identity cli:<os user>")
    p.add_argument("--lang", choices=("zh_CN", "en"), default="en")
    p.add_argument("--max-errors", type=int, default=50, help="problems printed (all are counted)")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("template", help="write the .xlsx upload template of a kind")
    p.add_argument("kind")
    p.add_argument("--out", required=True)
    p.add_argument("--lang", choices=("zh_CN", "en"), default="zh_CN")
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("sync-alerts", help="bring the alerts in line with what changed")
    p.add_argument("--full", action="store_true", help="run every rule over everything")
    p.set_defaults(func=cmd_sync_alerts)
    sub.add_parser("sweep", help="the daily sweep of date-dependent rules").set_defaults(
        func=cmd_sweep)

    p = sub.add_parser("lights", help="print alerts (rule, level, subject, department, region, facts)")
    p.add_argument("--system", action="append", help="S1..S5 or LC (repeatable)")
    p.add_argument("--level", action="append", choices=("red", "yellow"))
    p.add_argument("--status", action="append", choices=("open", "acknowledged", "supervising",
                                                         "cleared", "rectified", "closed",
                                                         "dismissed"))
    p.add_argument("--format", choices=("csv", "json"), default="csv")
    p.set_defaults(func=cmd_lights)

    p = sub.add_parser("db-revision", help="(developers) autogenerate a migration")
    p.add_argument("message")
    p.set_defaults(func=cmd_db_revision)
    for system in SYSTEMS:  # each system's own commands, declared in the manifest
        if system.commands:
            startup.resolve(system.commands)(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    startup.boot()
    get_settings()
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

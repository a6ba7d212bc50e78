"""Part 3 of the hostile sweep: every payload (bench/hostile_payloads.py) in text fields of
uploads (one CSV per field, as the kind's user), of the entry form (`prepare_record`) and of
services (public complaint intake, user creation). Each must be stored verbatim, and nothing
but the target table, the batch record, the audit log and the lights' queue may change."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

from hostile_payloads import PAYLOADS
from sqlalchemy import func, select, text
from sqlmodel import Session, SQLModel

from data_checks.kinds import get_kind
from models.db import session_scope
from models.feedback import Category
from services.platform import ingest

# what every write adds besides its rows: the batch, its audit event, the lights' request;
# a ticket's first timeline event comes with it
BOOKKEEPING = {"import_batch", "audit_event", "sync_request", "fb_event"}
# written meanwhile by the server's lights worker, which drains the sync requests
LIGHTS_WORKER = {"alert", "alert_event", "lights_state", "supervision_order"}


def _specs(dept: str, cat: str) -> list[tuple[str, str, Callable[[int, int], dict]]]:
    """(kind, field, row(i, k) -> values): k numbers the fields of one kind."""
    own_power, own_case = "XK-210102004-001", "2101020042026000001"
    return [(kind, f, make) for kind, fields, make in [
        ("powers", ("name", "legal_basis"), lambda i, k: {
            "code": f"XK-{dept}-{'AB'[k]}{i:03d}", "department_code": dept, "status": "草稿"}),
        ("power_steps", ("name", "post"), lambda i, k: {  # seq 1..99: two draft powers
            "power_code": f"XK-{dept}-A{2 * k + i // 99:03d}", "seq": str(i % 99 + 1),
            "limit_days": "1"}),
        ("power_edges", ("condition",), lambda i, k: {
            "power_code": f"XK-{dept}-A{i // 98:03d}", "from_seq": str(i % 98 + 1),
            "to_seq": str(i % 98 + 2)}),
        ("risk_points", ("description", "measures", "responsible_post"), lambda i, k: {
            "power_code": own_power, "no": str(500 + 150 * k + i)}),
        ("inspections", ("findings", "inspector"), lambda i, k: {
            "ref_no": f"JC-{dept}-I{k}-{i:03d}", "department_code": dept}),
        ("approval_cases", ("result", "reject_reason"), lambda i, k: {
            "case_no": f"INJ-{k}-{i:04d}"}),
        ("case_steps", ("handler",), lambda i, k: {
            "case_no": own_case, "seq": str(1 + i // 90), "pass_no": str(2 + i % 90)}),
        ("special_funds", ("name", "purpose"), lambda i, k: {
            "code": f"ZX-{dept}-I{k}-{i:03d}", "department_code": dept}),
        ("fund_payments", ("voucher", "recipient_name"), lambda i, k: {
            "fund_code": f"ZX-{dept}-I0-000", "voucher": f"V{k}-{i:04d}"}),
        ("trade_processes", ("title", "agency_name"), lambda i, k: {
            "ocid": f"ocds-lnggzy-inj{k}{i:03d}", "department_code": dept}),
        ("feedback_tickets", ("address", "content"), lambda i, k: {
            "source_no": f"INJ{k}-{i:04d}", "category_code": cat, "region_code": "210102"}),
        ("departments", ("name",), lambda i, k: {"code": f"210102{300 + i:03d}"}),
        ("users", ("display_name",), lambda i, k: {
            "username": f"inj_{i:03d}", "region_code": "210102", "department_code": dept}),
        ("feedback_categories", ("name", "description"), lambda i, k: {"code": f"IJ{k}{i:03d}"}),
    ] for f in fields]


def _counts(engine) -> dict[str, int]:  # noqa: ANN001
    with engine.connect() as conn:
        return {t.name: conn.execute(text(f'SELECT count(*) FROM "{t.name}"')).scalar_one()
                for t in SQLModel.metadata.sorted_tables}


def _stored(engine, table: str, field: str, values: list[str]) -> list[str]:  # noqa: ANN001
    t = SQLModel.metadata.tables[table]
    with Session(engine) as s:
        return list(s.execute(select(t.c[field]).where(t.c[field].in_(values))).scalars())


def _csv(kind, rows: list[dict]) -> bytes:  # noqa: ANN001
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c.zh for c in kind.columns])
    for r in rows:
        w.writerow([r.get(c.field, c.example) for c in kind.columns])
    return buf.getvalue().encode("utf-8")


def part_payloads(engine, actors) -> dict:  # noqa: ANN001
    county = actors.get("county_data")
    with Session(engine) as s:
        cat = s.execute(select(Category.code).where(Category.active.is_(True))
                        .order_by(Category.code)).scalars().first()
    report = {"payloads": len(PAYLOADS), "fields": 0, "values_stored": 0, "verbatim": 0,
              "altered": [], "rejected": [], "other_tables_changed": [], "form_values": 0,
              "service_values": 0}
    seen_kinds: dict[str, int] = {}
    for kind_key, field, make in _specs(county.department_code, cat):
        kind = get_kind(kind_key)
        k = seen_kinds[kind_key] = seen_kinds.get(kind_key, -1) + 1
        col = kind.column(field)
        used = [p for p in PAYLOADS if len(p) <= col.max_length
                and (field != "content" or len(p) >= 5)]  # a complaint has 5 characters
        rows = [{**make(i, k), field: p} for i, p in enumerate(used)]
        if kind_key == "power_edges":  # between the steps stored above (99 + 22)
            rows, used = rows[:118], used[:118]
        who = actors.get(actors.user_for(kind))
        before = _counts(engine)
        with session_scope(engine) as s:
            prepared = ingest.prepare(kind.key, f"inject_{field}.csv", _csv(kind, rows), session=s,
                                      actor=who.username, scope=who.scope, roles=who.roles)
        if prepared.status == "ready":
            prepared = ingest.commit(engine, prepared, actor=who.username, scope=who.scope)
        if prepared.status != "committed":
            first = prepared.errors.head(3).select("row", "field", "key").rows()
            report["rejected"].append(f"{kind_key}.{field}: {prepared.status} {first}")
            continue
        report["fields"] += 1
        _check(engine, report, kind.table, f"{kind_key}.{field}", field, used, before)
    _forms(engine, report, county)
    _services(engine, report, actors, cat)
    with Session(engine) as s:
        admins = s.execute(text("SELECT count(*) FROM \"user\" WHERE roles LIKE '%admin%'")).scalar_one()
    report["admins_after"] = admins
    return report


def _check(engine, report: dict, table: str, name: str, field: str, used: list[str],  # noqa: ANN001
           before: dict[str, int]) -> None:
    stored = _stored(engine, table, field, used)
    report["values_stored"] += len(used)
    report["verbatim"] += len(set(stored) & set(used))
    if sorted(set(stored)) != sorted(used):
        missing = sorted(set(used) - set(stored))
        report["altered"].append(f"{name}: {len(missing)} not found verbatim, e.g. {missing[:3]!r}")
    after = _counts(engine)
    changed = {t: after[t] - before[t] for t in after if after[t] != before[t]}
    other = {t: d for t, d in changed.items()
             if t not in BOOKKEEPING | LIGHTS_WORKER and t != table}
    if other:
        report["other_tables_changed"].append(f"{name}: {other}")


def _forms(engine, report: dict, county) -> None:  # noqa: ANN001
    """The single-record entry form: one record per payload, committed like the page does."""
    dept = county.department_code
    for kind_key, field, make in (
        ("inspections", "findings", lambda i: {"ref_no": f"JC-{dept}-F-{i:03d}",
                                               "department_code": dept}),
        ("special_funds", "purpose", lambda i: {"code": f"ZX-{dept}-F-{i:03d}",
                                                "department_code": dept}),
    ):
        kind = get_kind(kind_key)
        base = {c.field: c.example or None for c in kind.columns}
        before = _counts(engine)
        for i, p in enumerate(PAYLOADS):
            with session_scope(engine) as s:
                prepared = ingest.prepare_record(kind.key, {**base, **make(i), field: p}, session=s,
                                                 actor=county.username, scope=county.scope,
                                                 roles=county.roles)
            if prepared.status == "ready":
                prepared = ingest.commit(engine, prepared, actor=county.username, scope=county.scope)
            if prepared.status != "committed":
                report["rejected"].append(f"form {kind_key}.{field} #{i}: {prepared.status}")
        report["form_values"] += len(PAYLOADS)
        report["fields"] += 1
        _check(engine, report, kind.table, f"form {kind_key}.{field}", field, PAYLOADS, before)


def _services(engine, report: dict, actors, cat: str) -> None:  # noqa: ANN001
    """Public complaint intake (no login) and user creation by the admin."""
    from models.feedback import Ticket
    from models.users import UserCreate
    from services.feedback import contact as contact_crypto
    from services.feedback.tickets import TicketCreate, create_ticket
    from services.platform.users import create_user

    contents = [p for p in PAYLOADS if len(p) >= 5]
    with session_scope(engine) as s:
        for i, p in enumerate(contents):
            create_ticket(session=s, actor="public", scope=None, data=TicketCreate(
                channel="minxin", category_code=cat, region_code="210102", content=p,
                address=p, contact=p[:32], source_no=f"PUB-{i:04d}"))
    with Session(engine) as s:
        got = s.execute(select(Ticket.content, Ticket.address, Ticket.contact_cipher)
                        .where(Ticket.source_no.like("PUB-%"))).all()
    ok = sum(c == a and c in contents for c, a, _ in got)
    ok_contact = sum(contact_crypto.decrypt(cipher) == c[:32] for c, _, cipher in got)
    report["service_values"] += 3 * len(contents)
    report["values_stored"] += 3 * len(contents)
    report["verbatim"] += ok * 2 + ok_contact
    report["fields"] += 3
    if ok != len(contents) or ok_contact != len(contents):
        report["altered"].append(f"public intake: {ok}/{len(contents)} content+address, "
                                 f"{ok_contact} contacts verbatim")
    names = [p for p in PAYLOADS if 1 <= len(p) <= 64]
    admin = actors.get("admin")
    before = _counts(engine)
    with session_scope(engine) as s:
        for i, p in enumerate(names):
            create_user(session=s, actor="admin", actor_scope=admin.scope, rounds=4,
                        data=UserCreate(username=f"injsvc_{i:03d}", display_name=p,
                                        roles="leader", region_code="210102",
                                        password="Sweep2026pw"))
    report["service_values"] += len(names)
    report["fields"] += 1
    _check(engine, report, "user", "service users.display_name", "display_name", names, before)
    with Session(engine) as s:
        report["service_rows"] = s.execute(select(func.count()).select_from(Ticket)
                                           .where(Ticket.source_no.like("PUB-%"))).scalar_one()

"""Part 6 of the hostile sweep: scoped reads. Every read service that takes a scope is called as
county (and city) users: lists must hold no row of another region (nor, for a user with a
department, of another department where the frame names one); look-ups by id, number or
code of a record outside the scope must find nothing (None, empty, or a not-found error),
and the same look-ups of the user's own records must find them (so the check is not empty)."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

import polars as pl
from hostile_kinds import Actors
from sqlalchemy import select
from sqlmodel import Session

from core.clock import china_today
from core.errors import AppError

# Frames whose region is not a scope: trading parties are one province-wide register of
# companies (their region is where the company sits; a county's process lists bidders from
# anywhere).
NOT_SCOPED = ("tr_parties",)
USERS = ("county_data", "county2_data", "county_leader", "county_supervisor",
         "county_evaluator", "city_data", "city_leader")


def _frames(value: object) -> list[tuple[str, pl.DataFrame]]:
    if isinstance(value, pl.DataFrame):
        return [("", value)]
    if isinstance(value, dict):
        return [(f"{k}.{n}" if n else str(k), f) for k, v in value.items() for n, f in _frames(v)]
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [(f"{fld.name}.{n}" if n else fld.name, f) for fld in dataclasses.fields(value)
                for n, f in _frames(getattr(value, fld.name))]
    return []


def _leaks(value: object, scope) -> tuple[int, int, list[str]]:  # noqa: ANN001
    """(frames checked, frames without a region column, leaking frames)."""
    checked = blind = 0
    leaks = []
    for name, frame in _frames(value):
        if name.rpartition(".")[2] in NOT_SCOPED:
            continue
        cols = frame.columns
        region = "region_code" if "region_code" in cols else (
            "code" if {"code", "path"} <= set(cols) else None)
        if region is None and "department_id" not in cols:
            blind += frame.height > 0
            continue
        checked += 1
        if region and frame.height and not frame[region].drop_nulls().is_in(
                sorted(scope.region_codes)).all():
            leaks.append(f"{name}: region")
        if scope.department_id is not None and "department_id" in cols and frame.height and not (
                frame["department_id"].drop_nulls() == scope.department_id).all():
            leaks.append(f"{name}: department")
    return checked, blind, leaks


def _lists(today, period: str) -> dict[str, Callable]:  # noqa: ANN001
    from services.esupervision import read as s4
    from services.feedback import read as s5
    from services.lights import read as lights
    from services.lights.todos import todos
    from services.performance import manual
    from services.performance import read as s3
    from services.platform import ingest, org, users
    from services.power import catalog, coverage, inspections, risk
    from services.trading import views
    from services.trading.ocds_export import RegisterFilter, register_frames

    flt = RegisterFilter()
    return {
        "users.users_frame": lambda s, sc, a: users.users_frame(sc, session=s),
        "org.regions_frame": lambda s, sc, a: org.regions_frame(sc, session=s),
        "org.departments_frame": lambda s, sc, a: org.departments_frame(sc, session=s),
        "ingest.batches_frame": lambda s, sc, a: ingest.batches_frame(sc, session=s),
        "power.powers_frame": lambda s, sc, a: catalog.powers_frame(sc, session=s),
        "power.risks_frame": lambda s, sc, a: risk.risks_frame(sc, session=s),
        "power.inspections_frame": lambda s, sc, a: inspections.inspections_frame(sc, session=s),
        "power.coverage_tables": lambda s, sc, a: coverage.coverage_tables(sc, session=s, today=today),
        "s4.timed_cases": lambda s, sc, a: s4.timed_cases(session=s, scope=sc, today=today),
        "s4.timed_steps": lambda s, sc, a: s4.timed_steps(session=s, scope=sc, today=today),
        "s4.read_suspensions": lambda s, sc, a: s4.read_suspensions(session=s, scope=sc),
        "s4.read_funds": lambda s, sc, a: s4.read_funds(session=s, scope=sc),
        "s4.read_payments": lambda s, sc, a: s4.read_payments(session=s, scope=sc),
        "s4.departments_in_scope": lambda s, sc, a: s4.departments_in_scope(session=s, scope=sc),
        "s4.regions_in_scope": lambda s, sc, a: s4.regions_in_scope(session=s, scope=sc),
        "s4.open_red_by_department": lambda s, sc, a: s4.open_red_by_department(session=s, scope=sc),
        "s5.tickets": lambda s, sc, a: s5.tickets(session=s, scope=sc),
        "s5.ticket_page": lambda s, sc, a: s5.ticket_page(session=s, scope=sc, offset=0, limit=500),
        "s5.departments": lambda s, sc, a: s5.departments(session=s, scope=sc),
        "s2.register": lambda s, sc, a: views.register(session=s, scope=sc, flt=flt),
        "s2.alerts": lambda s, sc, a: views.alerts(session=s, scope=sc),
        "s2.dashboard": lambda s, sc, a: views.dashboard(session=s, scope=sc, flt=flt),
        "s2.register_frames": lambda s, sc, a: register_frames(session=s, scope=sc, flt=flt),
        "s3.ranking": lambda s, sc, a: s3.ranking(session=s, scope=sc, period_code=period),
        "s3.trend": lambda s, sc, a: s3.trend(session=s, scope=sc),
        "s3.workbench": lambda s, sc, a: manual.workbench(session=s, scope=sc, period_code=period),
        "lights.alerts_frame": lambda s, sc, a: lights.alerts_frame(session=s, scope=sc),
        "lights.orders_frame": lambda s, sc, a: lights.orders_frame(session=s, scope=sc),
        "lights.cockpit_frames": lambda s, sc, a: lights.cockpit_frames(session=s, scope=sc),
        "lights.todos": lambda s, sc, a: todos(session=s, scope=sc, roles=a.roles, today=today),
    }


def _lookups(session: Session, period: str) -> dict[str, tuple[Callable, list[tuple]]]:
    """name -> (call(s, scope, key), [(key, region, department_id)]) of stored records."""
    from models.esupervision import ApprovalCase
    from models.feedback import Ticket
    from models.imports import ImportBatch
    from models.lights import Alert, SupervisionOrder
    from models.performance import LeafScore
    from models.power import Power
    from models.trading import TradeProcess
    from services.esupervision import read as s4
    from services.feedback import read as s5
    from services.feedback.tickets import get_ticket
    from services.lights import read as lights
    from services.performance import read as s3
    from services.platform import ingest
    from services.power import catalog
    from services.trading import views

    def rows(*cols) -> list[tuple]:  # noqa: ANN002
        return [tuple(r) for r in session.execute(select(*cols)).all()]

    return {
        "s5.get_ticket": (lambda s, sc, k: get_ticket(session=s, scope=sc, ticket_id=k),
                          rows(Ticket.id, Ticket.region_code, Ticket.department_id)),
        "s5.timeline": (lambda s, sc, k: s5.timeline(session=s, scope=sc, ticket_id=k),
                        rows(Ticket.id, Ticket.region_code, Ticket.department_id)),
        "s2.process": (lambda s, sc, k: views.process(session=s, scope=sc, ocid=k),
                       rows(TradeProcess.ocid, TradeProcess.region_code, TradeProcess.department_id)),
        "s4.case_by_no": (lambda s, sc, k: s4.case_by_no(session=s, scope=sc, case_no=k),
                          rows(ApprovalCase.case_no, ApprovalCase.region_code, ApprovalCase.department_id)),
        "power.get_power": (lambda s, sc, k: catalog.get_power(sc, k, session=s),
                            rows(Power.id, Power.region_code, Power.department_id)),
        "power.load_in_scope": (lambda s, sc, k: catalog.load_in_scope(k, sc, session=s),
                                rows(Power.id, Power.region_code, Power.department_id)),
        "power.versions_frame": (lambda s, sc, k: catalog.versions_frame(sc, k, session=s),
                                 rows(Power.code, Power.region_code, Power.department_id)),
        "lights.alert_history": (lambda s, sc, k: lights.alert_history(session=s, scope=sc, alert_id=k),
                                 rows(Alert.id, Alert.region_code, Alert.department_id)),
        "lights.order_alerts": (lambda s, sc, k: lights.order_alerts(session=s, scope=sc, order_id=k),
                                rows(SupervisionOrder.id, SupervisionOrder.region_code,
                                     SupervisionOrder.department_id)),
        "ingest.batch_error_report": (lambda s, sc, k: ingest.batch_error_report(sc, k, session=s),
                                      [r for r in rows(ImportBatch.id, ImportBatch.region_code,
                                                       ImportBatch.department_id, ImportBatch.status)
                                       if r[3] == "rejected"]),  # only those have a report
        "s3.leaf_scores": (lambda s, sc, k: s3.leaf_scores(session=s, scope=sc, period_code=period,
                                                           department_id=k),
                           list({(d, r, d) for d, r in rows(LeafScore.department_id,
                                                             LeafScore.region_code)})),
    }


def _found(value: object) -> bool:
    if value is None:
        return False
    if isinstance(value, pl.DataFrame):
        return value.height > 0
    if isinstance(value, bytes | dict | list):
        return len(value) > 0
    return True


def part_scoped(engine, calls: int, seed: int = 17) -> dict:  # noqa: ANN001
    from models.performance import Period

    actors = Actors(engine)
    today = china_today()
    rng = random.Random(seed)
    report = {"calls": 0, "list_calls": 0, "lookup_calls": 0, "frames_checked": 0,
              "frames_without_scope_column": 0, "foreign_found": [], "own_found": 0,
              "own_missed": {}, "leaks": [], "errors": []}
    with Session(engine) as s:
        period = s.execute(select(Period.code).order_by(Period.code)).scalars().first()
        lookups = _lookups(s, period)
    lists = _lists(today, period)
    per_lookup = max(4, calls // (len(lookups) * len(USERS)))  # own and foreign each
    for name in USERS:
        actor = actors.get(name)
        sc = actor.scope
        for fn_name, fn in lists.items():
            report["calls"] += 1
            report["list_calls"] += 1
            try:
                with Session(engine) as s:
                    checked, blind, leaks = _leaks(fn(s, sc, actor), sc)
            except Exception as exc:  # noqa: BLE001
                report["errors"].append(f"{name} {fn_name}: {type(exc).__name__}: {exc}"[:200])
                continue
            report["frames_checked"] += checked
            report["frames_without_scope_column"] += blind
            report["leaks"] += [f"{name} {fn_name} {x}" for x in leaks]
        for fn_name, (fn, records) in lookups.items():
            own = [r for r in records if sc.allows_region(r[1]) and (
                sc.department_id is None or r[2] == sc.department_id)]
            foreign = [r for r in records if not sc.allows_region(r[1]) or (
                sc.department_id is not None and r[2] is not None and r[2] != sc.department_id)]
            for mine, sample in ((True, rng.sample(own, min(per_lookup, len(own)))),
                                 (False, rng.sample(foreign, min(per_lookup, len(foreign))))):
                for key, *_ in sample:
                    report["calls"] += 1
                    report["lookup_calls"] += 1
                    try:
                        with Session(engine) as s:
                            value = fn(s, sc, key)
                            found = _found(value)
                            leaks = _leaks(value, sc)[2]
                    except AppError:
                        found, leaks = False, []
                    except Exception as exc:  # noqa: BLE001
                        report["errors"].append(f"{name} {fn_name}({key}): {type(exc).__name__}"[:200])
                        continue
                    report["leaks"] += [f"{name} {fn_name}({key}) {x}" for x in leaks]
                    if mine and found:
                        report["own_found"] += 1
                    elif mine:  # e.g. a committed batch has no error report
                        report["own_missed"][fn_name] = report["own_missed"].get(fn_name, 0) + 1
                    elif found:
                        report["foreign_found"].append(f"{name} {fn_name}({key})")
    report["users"] = len(USERS)
    report["functions"] = len(lists) + len(lookups)
    return report

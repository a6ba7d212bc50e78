"""Who uploads what in the hostile sweep, and rows built from the seeded demo: a kind's example
row, rows of another county (out of scope, or mixed with the officer's own: children of
several parents), and deliberately valid controls."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlmodel import Session, SQLModel

from data_checks.kinds import UploadKind, get_kind
from models.org import Department
from models.users import User, parse_roles
from services.platform.scope import Scope, scope_for

COUNTY, OTHER_COUNTY = "210102", "210103"   # 和平区 (county_data), 沈河区 (county2_data)
NAMES = ("admin", "county_data", "county2_data", "county_leader", "county_supervisor",
         "county_evaluator", "city_data", "city_leader", "hotline_op", "prov_data")


@dataclass(frozen=True)
class Actor:
    username: str
    scope: Scope
    roles: tuple[str, ...]
    region_code: str
    department_id: int | None
    department_code: str | None


class Actors:
    def __init__(self, engine) -> None:  # noqa: ANN001
        self._by_name: dict[str, Actor] = {}
        with Session(engine) as s:
            for name in NAMES:
                u = s.execute(select(User).where(User.username == name)).scalar_one()
                dept = s.get(Department, u.department_id) if u.department_id else None
                self._by_name[name] = Actor(name, scope_for(u, session=s),
                                            tuple(parse_roles(u.roles)), u.region_code,
                                            u.department_id, dept.code if dept else None)

    def get(self, name: str) -> Actor:
        return self._by_name[name]

    def user_for(self, kind: UploadKind) -> str:
        """The user the kind is for: the county data officer wherever they may upload it."""
        if kind.desk_only:
            return "hotline_op"
        if "data_officer" in kind.roles:
            return "county_data"
        return "county_evaluator" if "evaluator" in kind.roles else "admin"


def text_column(kind: UploadKind) -> int | None:
    """Index of the first free text column (no pattern, no choices) that is written."""
    return next((i for i, c in enumerate(kind.columns) if c.type == "text" and c.write
                 and not c.pattern and not c.choices and c.max_length >= 64), None)


def sample_row(kind: UploadKind) -> tuple[list[str], list[str], int | None]:
    return [c.zh for c in kind.columns], [c.example for c in kind.columns], text_column(kind)


def _ref_value(s: Session, table: str, key: str, scope_column: str, region: str,
               department_id: int | None) -> str | None:
    t = SQLModel.metadata.tables[table]
    stmt = select(t.c[key]).where(t.c[scope_column] == region, t.c[key].is_not(None))
    if department_id is not None and table == "department":
        stmt = stmt.where(t.c.id == department_id)
    elif department_id is not None and "department_id" in t.c:
        stmt = stmt.where(t.c.department_id == department_id)
    if "status" in t.c and table == "power":
        stmt = stmt.order_by((t.c.status != "draft"), t.c[key])
    else:
        stmt = stmt.order_by(t.c[key])
    value = s.execute(stmt.limit(1)).scalar_one_or_none()
    return None if value is None else str(value)


def foreign_rows(engine, kind: UploadKind, actor: Actor) -> dict[str, list[list[str]]]:  # noqa: ANN001
    """For a kind whose references are scoped: one row naming another county's parent (or
    department), and a file mixing the officer's own parent with that one."""
    fields = [c.field for c in kind.columns]
    own, foreign = {}, {}
    with Session(engine) as s:
        for ref in kind.references:
            if ref.field not in fields or ref.scope_column is None:
                continue
            own[ref.field] = _ref_value(s, ref.table, ref.key, ref.scope_column, COUNTY,
                                        actor.department_id)
            foreign[ref.field] = _ref_value(s, ref.table, ref.key, ref.scope_column,
                                            OTHER_COUNTY, None)
    if not foreign or None in foreign.values():
        return {}
    example = [c.example for c in kind.columns]

    def with_values(values: dict[str, str | None], tag: str) -> list[str]:
        row = list(example)
        for i, c in enumerate(kind.columns):
            if c.field in values and values[c.field] is not None:
                row[i] = values[c.field]
            elif c.field in kind.natural_key and c.type == "text" and not c.field.endswith("code"):
                row[i] = f"{row[i]}-{tag}" if row[i] else tag
        return row

    return {"rows_out_of_scope": [with_values(foreign, "H1")],
            "children_of_several_parents": [with_values(own, "H2"), with_values(foreign, "H3")]}


def control_rows(engine, actor: Actor) -> list[tuple[UploadKind, list[list[str]]]]:  # noqa: ANN001
    """Deliberately valid files for the county data officer: new draft powers of their
    department, new inspections, new trading processes (they must write)."""
    out = []
    dept = actor.department_code
    for key, natural, make in (
        ("powers", "code", lambda i: f"XK-{dept}-H{i:03d}"),
        ("inspections", "ref_no", lambda i: f"JC-{dept}-HOSTILE-{i:02d}"),
        ("trade_processes", "ocid", lambda i: f"ocds-lnggzy-hostile{i:03d}"),
    ):
        kind = get_kind(key)
        rows = []
        for i in range(3):
            row = [c.example for c in kind.columns]
            for j, c in enumerate(kind.columns):
                if c.field == natural:
                    row[j] = make(i)
                elif c.field == "department_code":
                    row[j] = dept
                elif c.field == "status" and key == "powers":
                    row[j] = "草稿"
            rows.append(row)
        out.append((kind, rows))
    return out

"""Demo organisation: regions, departments and one demo user per role and level."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import insert, select
from sqlmodel import Session

from models.org import Department, Region
from models.users import User
from services.platform import audit
from services.platform.liaoning import CITIES, DEPARTMENT_KINDS, PROVINCE
from services.platform.settings import DEMO_PASSWORD
from services.platform.users import hash_password

SMALL_COUNTIES_PER_CITY = 2

# (username, display name, roles, region code, department kind or None)
DEMO_USERS: list[tuple[str, str, str, str, str | None]] = [
    ("admin", "系统管理员", "admin", "210000", None),
    ("prov_leader", "省领导（演示）", "leader", "210000", None),
    ("prov_supervisor", "省纪委监委监督员", "supervisor", "210000", None),
    ("prov_evaluator", "省考评员", "evaluator", "210000", None),
    ("prov_data", "省财政厅数据专员", "data_officer", "210000", "cz"),
    ("city_leader", "沈阳市领导（演示）", "leader", "210100", None),
    ("city_supervisor", "沈阳市纪委监委监督员", "supervisor", "210100", None),
    ("city_evaluator", "沈阳市考评员", "evaluator", "210100", None),
    ("city_data", "沈阳市住建局数据专员", "data_officer", "210100", "zjj"),
    ("county_leader", "和平区领导（演示）", "leader", "210102", None),
    ("county_supervisor", "和平区纪委监委监督员", "supervisor", "210102", None),
    ("county_evaluator", "和平区考评员", "evaluator", "210102", None),
    ("county_data", "和平区市场监管局数据专员", "data_officer", "210102", "scjg"),
    ("county2_data", "沈河区市场监管局数据专员", "data_officer", "210103", "scjg"),
]


def department_code(region_code: str, seq: int) -> str:
    return f"{region_code}{seq:03d}"


def region_rows(scale: str) -> list[dict]:
    prov_code, prov_name = PROVINCE
    rows = [dict(code=prov_code, name=prov_name, level="province", parent_code=None,
                 path=f"{prov_code}/")]
    for city_code, city_name, counties in CITIES:
        rows.append(dict(code=city_code, name=city_name, level="city", parent_code=prov_code,
                         path=f"{prov_code}/{city_code}/"))
        chosen = counties if scale == "province" else counties[:SMALL_COUNTIES_PER_CITY]
        rows += [dict(code=c, name=n, level="county", parent_code=city_code,
                      path=f"{prov_code}/{city_code}/{c}/") for c, n in chosen]
    return rows


def department_rows(regions: list[dict]) -> list[dict]:
    rows = []
    for r in regions:
        for kind, seq, prov_name, city_name, county_name in DEPARTMENT_KINDS:
            suffix = {"province": prov_name, "city": city_name, "county": county_name}[r["level"]]
            rows.append(dict(code=department_code(r["code"], seq), name=f"{r['name']}{suffix}",
                             region_code=r["code"], kind=kind, active=True))
    return rows


@lru_cache(maxsize=1)
def _demo_password_hash() -> str:
    return hash_password(DEMO_PASSWORD)


def seed_org(session: Session, *, scale: str) -> dict[str, int]:
    regions = region_rows(scale)
    session.execute(insert(Region), regions)
    departments = department_rows(regions)
    session.execute(insert(Department), departments)
    dept_ids = dict(session.execute(select(Department.code, Department.id)).all())
    seq_of = {kind: seq for kind, seq, *_ in DEPARTMENT_KINDS}
    # One bcrypt hash for the shared demo password keeps seeding fast; real accounts get
    # their own salt through services.users.
    demo_hash = _demo_password_hash()
    users = [
        dict(username=u, display_name=name, roles=roles, region_code=region,
             department_id=dept_ids[department_code(region, seq_of[kind])] if kind else None,
             password_hash=demo_hash, active=True, failed_attempts=0)
        for u, name, roles, region, kind in DEMO_USERS
    ]
    session.execute(insert(User), users)
    audit.record(session, actor="system", action="seed.org", entity_type="region",
                 entity_id=PROVINCE[0],
                 after={"regions": len(regions), "departments": len(departments),
                        "users": len(users), "scale": scale})
    return {"regions": len(regions), "departments": len(departments), "users": len(users)}


def seed_reference_org(session: Session) -> dict[str, int]:
    """Production start: every real region of the province and its standard departments,
    no users (create the first admin with `manage.py create-user`)."""
    regions = region_rows("province")
    session.execute(insert(Region), regions)
    departments = department_rows(regions)
    session.execute(insert(Department), departments)
    audit.record(session, actor="cli", action="seed.reference_org", entity_type="region",
                 entity_id=PROVINCE[0], after={"regions": len(regions), "departments": len(departments)})
    return {"regions": len(regions), "departments": len(departments)}

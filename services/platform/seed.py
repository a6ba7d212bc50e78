"""Demo organisation: the province's regions and departments (small or full scale) and one
demo user per role and level."""

from __future__ import annotations

from functools import lru_cache

from sqlalchemy import insert, select
from sqlmodel import Session

from models.org import Department, Region
from models.users import User
from services.platform import audit
from services.platform.demo_accounts import DEMO_USERS
from services.platform.liaoning import PROVINCE
from services.platform.reference import DEPARTMENT_KINDS, department_code, department_rows, region_rows
from services.platform.settings import DEMO_PASSWORD
from services.platform.users import hash_password


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

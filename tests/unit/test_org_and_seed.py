import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from models.db import session_scope
from models.org import Department, DepartmentCreate, Region, RegionCreate
from services.platform.demo import SeedError, seed_demo
from services.platform.org import OrgError, save_department, save_region
from services.platform.reference import region_rows
from services.platform.scope import ALL
from services.platform.users import get_user, user_scope


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def test_demo_province_is_deterministic_and_real(seeded):
    with Session(seeded) as s:
        cities = s.execute(select(Region.name).where(Region.level == "city").order_by(Region.code)).scalars().all()
        assert len(cities) == 14 and cities[0] == "沈阳市" and cities[-1] == "葫芦岛市"
        assert s.get(Region, "210102").name == "和平区"
        assert s.get(Region, "210102").path == "210000/210100/210102/"
        assert s.execute(select(func.count()).select_from(Department)).scalar_one() == 43 * 12
        names = set(s.execute(select(Department.name).where(Department.region_code == "210100")).scalars())
        assert {"沈阳市发展和改革委员会", "沈阳市自然资源局", "沈阳市住房和城乡建设局", "沈阳市市场监督管理局",
                "沈阳市财政局", "沈阳市生态环境局", "沈阳市交通运输局", "沈阳市水利局",
                "沈阳市卫生健康委员会", "沈阳市教育局"} <= names


def test_every_role_at_every_level(seeded):
    with Session(seeded) as s:
        from models.users import User
        rows = s.execute(select(User.roles, Region.level).join(Region, Region.code == User.region_code)).all()
    have = {(r, lvl) for roles, lvl in rows for r in roles.split(",")}
    for role in ("leader", "data_officer", "evaluator", "supervisor"):
        for level in ("province", "city", "county"):
            assert (role, level) in have
    assert ("admin", "province") in have


def test_province_scale_lists_every_county():
    rows = region_rows("province")
    assert len(rows) == 1 + 14 + 100
    assert len({r["code"] for r in rows}) == len(rows)


def test_seed_refuses_a_database_with_data(seeded):
    with pytest.raises(SeedError):
        seed_demo(seeded, scale="small")


def test_region_rules(seeded):
    city_scope = act(seeded, user_scope, act(seeded, get_user, "city_leader"))
    r = act(seeded, save_region, actor="admin", scope=ALL,
                    data=RegionCreate(code="210104", name="大东区", level="county", parent_code="210100"))
    assert r.path == "210000/210100/210104/"
    with pytest.raises(OrgError) as err:
        act(seeded, save_region, actor="city_leader", scope=city_scope,
                    data=RegionCreate(code="210205", name="某区", level="county", parent_code="210200"))
    assert err.value.key == "org.err_out_of_scope"
    with pytest.raises(OrgError) as err:
        act(seeded, save_region, actor="admin", scope=ALL,
                    data=RegionCreate(code="210199", name="错级", level="city", parent_code="210100"))
    assert err.value.key == "org.err_level"
    with pytest.raises(ValueError):
        RegionCreate(code="21010X", name="坏代码", level="county", parent_code="210100")


def test_department_create_and_update_are_audited(seeded):
    from models.audit import AuditEvent

    d = act(seeded, save_department, actor="admin", scope=ALL,
                        data=DepartmentCreate(code="210102099", name="和平区审计局", region_code="210102", kind="other"))
    act(seeded, save_department, actor="admin", scope=ALL, active=False,
                    data=DepartmentCreate(code="210102099", name="和平区审计局（撤并）", region_code="210102", kind="other"))
    with Session(seeded) as s:
        dept = s.get(Department, d.id)
        events = s.execute(select(AuditEvent).where(AuditEvent.entity_id == "210102099").order_by(AuditEvent.id)).scalars().all()
    assert (dept.name, dept.active) == ("和平区审计局（撤并）", False)
    assert [e.action for e in events] == ["department.create", "department.update"]
    assert '"active": true' in events[1].before and '"active": false' in events[1].after

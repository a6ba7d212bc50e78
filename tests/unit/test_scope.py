"""A user's scope is their region and below (and department when set), applied in SQL."""

from sqlmodel import Session

from models.db import session_scope
from services.platform.org import departments_frame, regions_frame
from services.platform.scope import ALL
from services.platform.users import get_user, user_scope, users_frame


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def _scope(engine, username):
    return act(engine, user_scope, act(engine, get_user, username))


def test_province_city_county_region_counts(seeded):
    assert act(seeded, regions_frame, _scope(seeded, "prov_leader")).height == 43
    assert act(seeded, regions_frame, _scope(seeded, "city_leader"))["code"].to_list() == ["210100", "210102", "210103"]
    assert act(seeded, regions_frame, _scope(seeded, "county_leader"))["code"].to_list() == ["210102"]
    assert act(seeded, regions_frame, ALL).height == 43


def test_admin_sees_everything(seeded):
    assert _scope(seeded, "admin").is_all


def test_county_user_reads_no_row_of_another_county(seeded):
    scope = _scope(seeded, "county_leader")
    depts = act(seeded, departments_frame, scope)
    assert depts.height == 12
    assert set(depts["region_code"]) == {"210102"}
    assert act(seeded, departments_frame, scope, region_code="210103").height == 0
    assert set(act(seeded, users_frame, scope)["region_code"]) == {"210102"}


def test_department_scope_narrows_to_one_department(seeded):
    scope = _scope(seeded, "county_data")
    depts = act(seeded, departments_frame, scope)
    assert depts["name"].to_list() == ["和平区市场监督管理局"]


def test_department_scoped_counts_only_their_department(seeded):
    """Issue 17: 工作台 and 组织机构 of a department-scoped user count their department and
    its accounts, not the whole county's."""
    frame = act(seeded, regions_frame, _scope(seeded, "county_data"))
    assert frame.select("code", "departments", "users").rows() == [("210102", 1, 1)]
    whole = act(seeded, regions_frame, _scope(seeded, "county_leader"))
    assert whole.select("code", "departments", "users").rows() == [("210102", 12, 4)]


def test_counts_in_region_tree(seeded):
    frame = act(seeded, regions_frame, _scope(seeded, "city_leader"))
    row = frame.filter(frame["code"] == "210100").row(0, named=True)
    assert (row["departments"], row["users"]) == (12, 4)
    assert frame.filter(frame["code"] == "210102")["users"].item() == 4


def test_scope_where_clause_filters_sql(seeded):
    from sqlalchemy import func, select

    from models.org import Department

    scope = _scope(seeded, "city_leader")
    with Session(seeded) as s:
        n = s.execute(select(func.count()).select_from(Department)
                      .where(scope.where(Department.region_code))).scalar_one()
    assert n == 36

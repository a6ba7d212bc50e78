"""S1 pages as users see them: the public list without login (published powers only), the
catalog scoped to a data officer's department, a power's detail, risk and coverage pages."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session

from models.org import Department
from models.power import Power
from services.power.catalog import in_force_clause
from tests.app.helpers import login, new_app, open_page, texts


def _power(engine, *where):
    with Session(engine) as s:
        return s.execute(select(Power).where(*where).order_by(Power.id).limit(1)).scalar_one()


def test_public_list_without_login_shows_published_only(seeded):
    draft = _power(seeded, Power.status == "draft", Power.is_current.is_(True))
    published = _power(seeded, in_force_clause())
    at = new_app()  # nobody logged in
    open_page(at, "pages/power/public.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "行政权力清单公开"
    table = at.dataframe[0].value
    assert "职权名称" in table.columns and "状态" not in table.columns
    assert not [c for c in table.columns if "风险" in c or "备注" in c]

    at.text_input(key="pub_search").input(draft.code).run()
    assert "没有找到符合条件的公开职权。" in texts(at.info)
    at.text_input(key="pub_search").input(published.code).run()
    assert at.dataframe[0].value["职权编码"].tolist() == [published.code]


def test_data_officer_sees_only_own_department(seeded):
    at = login("county_data")  # 和平区市场监管局
    open_page(at, "pages/power/catalog.py")
    assert not at.exception, at.exception
    with Session(seeded) as s:
        own = s.execute(select(Department.name).where(Department.code == "210102004")).scalar_one()
    assert set(at.dataframe[0].value["部门"]) == {own}
    assert any(e.label == "新增职权" for e in at.expander)


def test_detail_page_shows_flow_chart_and_versions(seeded):
    power = _power(seeded, Power.region_code == "210100", Power.status == "published",
                   Power.is_current.is_(True))
    at = login("city_leader")
    at.session_state["power_selected_id"] = power.id
    open_page(at, "pages/power/detail.py")
    assert not at.exception, at.exception
    assert at.subheader[0].value == power.name
    assert power.code in [m.value for m in at.metric]
    assert len(at.get("graphviz_chart")) == 1
    assert not [b for b in at.button if b.label == "发布公开"]  # leaders read only


def test_county_leader_cannot_open_another_countys_power(seeded):
    other = _power(seeded, Power.region_code == "210103")
    at = login("county_leader")  # 和平区
    at.session_state["power_selected_id"] = other.id
    open_page(at, "pages/power/detail.py")
    assert not at.exception, at.exception
    assert "请先在职权目录中选择一项职权，或输入职权编码。" in texts(at.info)
    assert not at.subheader


def test_risk_register_and_coverage_render(seeded):
    at = login("prov_supervisor")
    open_page(at, "pages/power/risks.py")
    assert not at.exception, at.exception
    assert at.title[0].value == "廉政风险点台账"
    assert len(at.get("plotly_chart")) == 1
    open_page(at, "pages/power/coverage.py")
    assert not at.exception, at.exception
    assert [m.label for m in at.metric][:2] == ["职权数", "流程图合规率"]
    assert len(at.get("plotly_chart")) == 2


def test_data_officer_confirms_and_publishes_a_draft(seeded):
    from models.users import User
    from services.power.lifecycle import publish_problems

    with Session(seeded) as s:
        dept = s.execute(select(User.department_id).where(User.username == "city_data")).scalar_one()
        candidates = s.execute(select(Power).where(
            Power.department_id == dept, Power.status.in_(["draft", "confirmed"]),
            Power.is_current.is_(True)).order_by(Power.status.desc())).scalars().all()
        ready = next(p for p in candidates if not publish_problems(p, session=s))
    at = login("city_data")
    at.session_state["power_selected_id"] = ready.id
    open_page(at, "pages/power/detail.py")
    if ready.status == "draft":
        next(b for b in at.button if b.label == "确认（清理确认）").click().run()
        assert not at.exception, at.exception
    assert "已确认" in [m.value for m in at.metric]
    next(b for b in at.button if b.label == "发布公开").click().run()
    assert not at.exception, at.exception
    assert "已公开" in [m.value for m in at.metric]
    with Session(seeded) as s:
        assert s.get(Power, ready.id).status == "published"


def test_a_link_by_code_opens_that_power_and_never_one_out_of_scope(seeded):
    here = _power(seeded, Power.region_code == "210102", Power.is_current.is_(True))
    elsewhere = _power(seeded, Power.region_code == "210103", Power.is_current.is_(True))
    at = login("county_leader")  # 和平区
    at.switch_page("pages/power/detail.py")
    at.query_params["power"] = here.code
    at.run()
    assert not at.exception, at.exception
    assert [s.value for s in at.subheader][:1] == [here.name]
    assert at.metric[0].value == here.code

    other = login("county_leader")
    other.switch_page("pages/power/detail.py")
    other.query_params["power"] = elsewhere.code
    other.run()
    assert texts(other.warning) == ["未找到该职权（或不在您的数据范围内）。"]
    assert not other.subheader


def test_risk_levels_read_in_english_in_the_english_ui(seeded):
    """Issue 16: the stored 高/中/低 are shown through the catalogs, like every other label."""
    at = login("prov_leader")
    at.sidebar.radio[0].set_value("en").run()
    open_page(at, "pages/power/risks.py")
    assert not at.exception, at.exception
    [levels] = at.get("button_group")
    assert [o.content for o in levels.proto.options] == ["High", "Medium", "Low"]
    table = at.dataframe[0].value
    shown = set(table["Risk level"])
    assert shown <= {"High", "Medium", "Low"} and "High" in shown, shown
    heat = at.get("plotly_chart")[0].proto.spec
    assert '"High"' in heat and '"高"' not in heat

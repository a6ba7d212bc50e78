"""The upload pipeline end to end on both databases: preview, commit, idempotency,
all-or-nothing, scope, references, regions' paths, users without passwords, history."""

import io
import json

import polars as pl
import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from data_checks.kinds import get_kind
from data_checks.templates import template_xlsx
from models.audit import AuditEvent
from models.db import session_scope
from models.imports import ImportBatch
from models.org import Department, Region
from models.users import User
from services.platform import ingest
from services.platform.audit import verify_chain
from services.platform.scope import ALL
from services.platform.users import get_user, user_scope

DEPT_HEADER = "部门代码,部门名称,所属区划代码,部门类别,在用\n"
GOOD_DEPTS = DEPT_HEADER + (
    "210102901,和平区大数据局,210102,其他,是\n"
    "210102004,和平区市场监督管理局（更名）,210102,市场监督管理,是\n"
    "210102001,和平区发展和改革局,210102,发展和改革,是\n"   # same as stored
)


@pytest.fixture
def seeded(engine):
    """Only the organisation of the small demo province (regions, departments, demo users):
    uploads need nothing else, and the full demo seed is much slower."""
    from services.platform.seed import seed_org

    with session_scope(engine) as s:
        seed_org(s, scale="small")
    return engine


def act(engine, service, *args, **kwargs):
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def stored(engine, username) -> User | None:
    """The ORM row, for what `UserPublic` keeps from pages (password hash, failure count)."""
    with Session(engine) as s:
        return s.execute(select(User).where(User.username == username)).scalar_one_or_none()


def count(engine, model, *where):
    with Session(engine) as s:
        return s.execute(select(func.count()).select_from(model).where(*where)).scalar_one()


def batches(engine):
    with Session(engine) as s:
        return s.execute(select(ImportBatch).order_by(ImportBatch.id)).scalars().all()


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_good_file_previews_then_commits_once(seeded, encoding):
    hooks = []
    ingest.IMPORT_HOOKS.append(lambda session, actor, prepared: hooks.append(actor))
    try:
        content = GOOD_DEPTS.encode(encoding)
        before = count(seeded, Department)
        prepared = act(seeded, ingest.prepare, "departments", "部门.csv", content, actor="admin", scope=ALL)
        assert (prepared.status, prepared.encoding) == ("ready", encoding)
        assert (prepared.rows_new, prepared.rows_changed, prepared.rows_unchanged) == (1, 1, 1)
        assert prepared.preview["结果"].to_list() == ["新增", "修改", "未变"]
        assert count(seeded, Department) == before  # preview writes nothing
        done = ingest.commit(seeded, prepared, actor="admin", scope=ALL)
        assert done.status == "committed" and hooks == ["admin"]
        assert count(seeded, Department) == before + 1
        with Session(seeded) as s:
            d = s.execute(select(Department).where(Department.code == "210102004")).scalar_one()
            assert (d.name, d.kind, d.active) == ("和平区市场监督管理局（更名）", "scjg", True)
            new = s.execute(select(Department).where(Department.code == "210102901")).scalar_one()
            assert (new.kind, new.region_code) == ("other", "210102")
            ev = s.execute(select(AuditEvent).where(AuditEvent.action == "import.commit")).scalar_one()
            assert json.loads(ev.after)["rows_new"] == 1
        # the same content again: nothing changes and the user is told so
        again = act(seeded, ingest.prepare, "departments", "copy.csv", content, actor="admin", scope=ALL)
        assert again.status == "unchanged" and again.message_key == "ingest.same_file"
        assert again.message_params == {"batch": done.batch_id}
        assert count(seeded, Department) == before + 1
        assert [b.status for b in batches(seeded)] == ["committed", "unchanged"]
        assert verify_chain(seeded).ok
    finally:
        ingest.IMPORT_HOOKS.pop()


def test_other_content_with_same_rows_changes_nothing(seeded):
    content = GOOD_DEPTS.encode()
    ingest.commit(seeded, act(seeded, ingest.prepare, "departments", "a.csv", content, actor="admin",
                                         scope=ALL), actor="admin", scope=ALL)
    reordered = (DEPT_HEADER + "\n".join(reversed(GOOD_DEPTS.strip().split("\n")[1:]))).encode("gb18030")
    result = act(seeded, ingest.prepare, "departments", "b.csv", reordered, actor="admin", scope=ALL)
    assert (result.status, result.message_key) == ("unchanged", "ingest.nothing_changed")
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (0, 0, 3)


def test_any_error_writes_nothing_but_the_rejected_batch(seeded):
    content = (GOOD_DEPTS + "21010290,,210102,宣传,也许\n210199001,某局,210199,其他,是\n"
               "210102901,重复,210102,其他,是\n").encode("gb18030")
    before = count(seeded, Department)
    result = act(seeded, ingest.prepare, "departments", "bad.csv", content, actor="admin", scope=ALL)
    assert result.status == "rejected"
    report = ingest.error_report(result.errors, "departments", "zh_CN")
    assert report.rows() == [
        (5, "部门代码", "21010290", "格式不正确，应类似“210102004”。"),
        (5, "部门名称", None, "必填项为空。"),
        (5, "部门类别", "宣传", "不是可选值；可选：" + report["问题"][2].split("可选：")[1]),
        (5, "在用", "也许", "应填“是”或“否”。"),
        (6, "所属区划代码", "210199", "系统中没有这个代码。"),
        (7, "部门代码", "210102901", "与第 2 行重复。"),
    ]
    assert ingest.error_report(result.errors, "departments", "en")["Problem"][1] == "Required, but empty."
    assert count(seeded, Department) == before
    [batch] = batches(seeded)
    assert (batch.status, batch.rows_total, batch.rows_rejected) == ("rejected", 6, 3)
    xlsx = pl.read_excel(io.BytesIO(batch.error_report))
    assert xlsx.columns == ["行号", "列", "值", "问题"] and xlsx.height == 6
    assert count(seeded, AuditEvent, AuditEvent.action == "import.rejected") == 1


def test_scope_violation_rows_of_another_county_are_rejected(seeded):
    officer = act(seeded, get_user, "county_data")  # 和平区 210102
    scope = act(seeded, user_scope, officer)
    content = (DEPT_HEADER + "210102905,和平区新局,210102,其他,是\n"
               "210103905,沈河区新局,210103,其他,是\n").encode()
    result = act(seeded, ingest.prepare, "departments", "d.csv", content, actor="county_data", scope=scope)
    assert result.status == "rejected"
    assert result.errors.select("row", "field", "key").rows() == [
        (3, "region_code", "ingest.err_out_of_scope")]
    assert count(seeded, Department, Department.code.in_(["210102905", "210103905"])) == 0
    # the page passes the user's roles: these kinds are admin-only
    with pytest.raises(ingest.IngestError):
        act(seeded, ingest.prepare, "departments", "d.csv", content, actor="county_data", scope=scope,
                       roles=("data_officer",))


def test_existing_record_may_not_move_region(seeded):
    content = (DEPT_HEADER + "210102004,改区划,210103,其他,是\n").encode()
    result = act(seeded, ingest.prepare, "departments", "d.csv", content, actor="admin", scope=ALL)
    assert result.errors.select("row", "field", "key").rows() == [
        (2, "code", "ingest.err_department_code_region"), (2, "region_code", "ingest.err_fixed")]


def test_regions_with_parent_in_same_file_get_paths(seeded):
    content = ("区划代码,区划名称,级别,上级区划代码\n"
               "210190,测试新区,市,210000\n210191,测试新区一区,县,210190\n"
               "210102,和平区,county,210100\n").encode("gb18030")
    result = act(seeded, ingest.prepare, "regions", "r.csv", content, actor="admin", scope=ALL)
    assert (result.status, result.rows_new, result.rows_unchanged) == ("ready", 2, 1)
    ingest.commit(seeded, result, actor="admin", scope=ALL)
    with Session(seeded) as s:
        assert s.get(Region, "210191").path == "210000/210190/210191/"
        assert str(s.get(Region, "210190").level) == "city"


def test_region_level_and_fixed_parent_are_checked(seeded):
    content = ("区划代码,区划名称,级别,上级区划代码\n"
               "210192,错级,县,210000\n210102,和平区,县,210200\n").encode()
    result = act(seeded, ingest.prepare, "regions", "r.csv", content, actor="admin", scope=ALL)
    assert result.errors.select("row", "field", "key").rows() == [
        (2, "level", "ingest.err_level_parent"), (3, "parent_code", "ingest.err_fixed")]


def test_users_upload_has_no_passwords_and_keeps_existing_ones(seeded):
    old_hash = stored(seeded, "county_data").password_hash
    content = ("username,Name,Roles,Region code,Department code,Active\n"
               "hp_new,新用户,\"数据专员,领导\",210102,210102004,是\n"
               "county_data,和平区数据专员（改）,data_officer,210102,210102004,yes\n").encode()
    result = act(seeded, ingest.prepare, "users", "u.csv", content, actor="admin", scope=ALL)
    assert (result.status, result.rows_new, result.rows_changed) == ("ready", 1, 1)
    ingest.commit(seeded, result, actor="admin", scope=ALL)
    new, old = stored(seeded, "hp_new"), stored(seeded, "county_data")
    assert (new.password_hash, new.roles, new.failed_attempts) == (None, "leader,data_officer", 0)
    with Session(seeded) as s:
        assert s.get(Department, new.department_id).code == "210102004"
    assert (old.display_name, old.password_hash) == ("和平区数据专员（改）", old_hash)


def test_users_department_must_belong_to_region(seeded):
    content = ("用户名,姓名,角色,区划代码,部门代码\n"
               "hp_x,某人,数据专员,210102,210103004\n").encode()
    result = act(seeded, ingest.prepare, "users", "u.csv", content, actor="admin", scope=ALL)
    assert result.errors.select("row", "field", "key").rows() == [
        (2, "department_code", "ingest.err_department_region")]


def test_header_problems(seeded):
    content = "部门代码,备注,名称\n210102901,x,y\n".encode()
    result = act(seeded, ingest.prepare, "departments", "d.csv", content, actor="admin", scope=ALL)
    assert result.errors.select("row", "field", "key").rows() == [
        (None, None, "ingest.err_unknown_column"), (None, "region_code", "ingest.err_missing_column")]


def test_template_round_trip_xlsx(seeded):
    content = template_xlsx(get_kind("departments"))
    result = act(seeded, ingest.prepare, "departments", "t.xlsx", content, actor="admin", scope=ALL)
    # the template's example row is marked as such and never imported (issue 16)
    assert (result.status, result.encoding, result.message_key) == (
        "unchanged", "xlsx", "ingest.nothing_changed")
    assert (result.rows_new, result.rows_changed, result.rows_unchanged) == (0, 0, 0)


def test_entry_record_uses_the_same_checks_and_write(seeded):
    bad = act(seeded, ingest.prepare_record, "departments", {"code": "x", "name": "",
                                                        "region_code": "210102"},
                                actor="admin", scope=ALL)
    assert bad.errors.select("row", "field").rows() == [(2, "code"), (2, "name")]
    good = act(seeded, ingest.prepare_record, "departments", {
        "code": "210102950", "name": "和平区录入局", "region_code": "210102", "kind": "jy",
        "active": False}, actor="admin", scope=ALL)
    done = ingest.commit(seeded, good, actor="admin", scope=ALL)
    assert done.status == "committed"
    with Session(seeded) as s:
        d = s.execute(select(Department).where(Department.code == "210102950")).scalar_one()
    assert (d.name, d.kind, d.active) == ("和平区录入局", "jy", False)


def test_commit_rechecks_the_database(seeded):
    content = ("用户名,姓名,角色,区划代码,部门代码\nhp_y,某人,领导,210102,210102004\n").encode()
    prepared = act(seeded, ingest.prepare, "users", "u.csv", content, actor="admin", scope=ALL)
    with Session(seeded) as s:  # the department is renumbered between preview and confirm
        d = s.execute(select(Department).where(Department.code == "210102004")).scalar_one()
        d.code = "210102099"
        s.add(d)
        s.commit()
    result = ingest.commit(seeded, prepared, actor="admin", scope=ALL)
    assert result.status == "rejected" and count(seeded, User, User.username == "hp_y") == 0


def test_history_is_scoped(seeded):
    city = act(seeded, user_scope, act(seeded, get_user, "city_data"))
    county2 = act(seeded, user_scope, act(seeded, get_user, "county2_data"))
    act(seeded, ingest.prepare, "departments", "a.csv", b"", actor="city_data", scope=city)
    act(seeded, ingest.prepare, "departments", "b.csv", b"", actor="county2_data", scope=county2)
    assert act(seeded, ingest.batches_frame, ALL)["file_name"].to_list() == ["b.csv", "a.csv"]
    assert act(seeded, ingest.batches_frame, city)["file_name"].to_list() == ["b.csv", "a.csv"] or \
        act(seeded, ingest.batches_frame, city)["file_name"].to_list() == ["a.csv"]
    assert act(seeded, ingest.batches_frame, county2)["file_name"].to_list() == ["b.csv"]
    [county_batch] = act(seeded, ingest.batches_frame, county2)["id"].to_list()
    [city_batch] = [b for b in act(seeded, ingest.batches_frame, ALL)["id"].to_list() if b != county_batch]
    assert act(seeded, ingest.batch_error_report, county2, city_batch) is None
    assert act(seeded, ingest.batch_error_report, county2, county_batch)[:2] == b"PK"


def test_cli_import_and_template(seeded, tmp_path, capsys):
    import manage

    out = tmp_path / "t.xlsx"
    assert manage.main(["template", "users", "--out", str(out)]) == 0
    assert out.read_bytes()[:2] == b"PK"
    bad = tmp_path / "bad.csv"
    bad.write_bytes("用户名,姓名,角色,区划代码\nab,x,boss,210102\n".encode("gbk"))
    assert manage.main(["import", "users", str(bad)]) == 1
    printed = capsys.readouterr()
    assert "Not an allowed value" in printed.out and "2 problems found" in printed.err
    good = tmp_path / "good.csv"
    good.write_bytes("用户名,姓名,角色,区划代码\ncli_user,命令行,领导,210102\n".encode("gbk"))
    assert manage.main(["import", "users", str(good), "--dry-run"]) == 0
    assert act(seeded, get_user, "cli_user") is None
    assert manage.main(["import", "users", str(good)]) == 0
    assert act(seeded, get_user, "cli_user").roles == "leader"
    assert manage.main(["import", "users", str(good)]) == 0
    assert "already imported" in capsys.readouterr().out


def test_file_level_message_keeps_its_row_and_column(seeded):
    content = (DEPT_HEADER + "210102901,和平区\x1f局,210102,其他,是\n").encode()
    result = act(seeded, ingest.prepare, "departments", "d.csv", content, actor="admin", scope=ALL)
    assert ingest.error_report(result.errors, "departments", "zh_CN")["问题"].to_list() == [
        "第 2 行“部门名称”列含有不可见的控制字符（如 NUL），请删除后再上传。"]

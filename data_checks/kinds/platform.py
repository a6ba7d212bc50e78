"""Upload kinds of the organisation: regions, departments and users (admin only).

Users are uploaded without passwords: a new account cannot log in until an administrator
sets one on the users page; an existing account keeps its password."""

from __future__ import annotations

import polars as pl

from data_checks.kinds import Column, CrossCheck, Reference, UploadKind
from models.base import utcnow

ADMIN_ONLY = frozenset({"admin"})

LEVEL_CHOICES = {
    "province": ("省", "province", "省级"),
    "city": ("市", "city", "市级", "地市"),
    "county": ("县", "county", "县级", "区", "县区", "县（市、区）"),
}
_PARENT_LEVEL = {"city": "province", "county": "city"}

DEPARTMENT_KIND_CHOICES = {
    "fgw": ("发展和改革", "fgw", "发展和改革委员会", "发展和改革局", "发改委", "发改局"),
    "zrzy": ("自然资源", "zrzy", "自然资源厅", "自然资源局"),
    "zjj": ("住房和城乡建设", "zjj", "住房和城乡建设厅", "住房和城乡建设局", "住建局"),
    "scjg": ("市场监督管理", "scjg", "市场监督管理局", "市场监管局"),
    "cz": ("财政", "cz", "财政厅", "财政局"),
    "sthj": ("生态环境", "sthj", "生态环境厅", "生态环境局", "生态环境分局"),
    "jtys": ("交通运输", "jtys", "交通运输厅", "交通运输局"),
    "sl": ("水利", "sl", "水利厅", "水利局"),
    "wsjk": ("卫生健康", "wsjk", "卫生健康委员会", "卫生健康局", "卫健委"),
    "jy": ("教育", "jy", "教育厅", "教育局"),
    "rlsb": ("人力资源和社会保障", "rlsb", "人力资源和社会保障厅", "人力资源和社会保障局", "人社局"),
    "nyncj": ("农业农村", "nyncj", "农业农村厅", "农业农村局"),
    "other": ("其他", "other"),
}

ROLE_CHOICES = {
    "admin": ("管理员", "admin"),
    "leader": ("领导", "leader"),
    "data_officer": ("数据专员", "data_officer"),
    "evaluator": ("考评员", "evaluator"),
    "supervisor": ("纪检监察", "supervisor", "监督员"),
}

REGION_CODE = r"\d{6}"


def region_paths(frame: pl.DataFrame) -> pl.DataFrame:
    """Materialised path of each uploaded region: the parent's stored path (fetched as
    `_parent_path`) or, for a parent in the same file, that row's path; `_parent_level` is
    filled the same way for the level check."""
    frame = frame.with_columns(
        pl.when(pl.col("parent_code").is_null())
        .then(pl.col("code") + pl.lit("/"))
        .otherwise(pl.col("_parent_path") + pl.col("code") + pl.lit("/"))
        .alias("path"),
    )
    for _ in range(3):  # province -> city -> county
        known = frame.filter(pl.col("path").is_not_null()).select(
            pl.col("code").alias("parent_code"), pl.col("path").alias("_file_parent_path"),
            pl.col("level").alias("_file_parent_level"))
        frame = frame.join(known, on="parent_code", how="left", maintain_order="left").with_columns(
            pl.coalesce(pl.col("path"), pl.col("_file_parent_path") + pl.col("code") + pl.lit("/"))
            .alias("path"),
            pl.coalesce(pl.col("_parent_level"), pl.col("_file_parent_level")).alias("_parent_level"),
        ).drop("_file_parent_path", "_file_parent_level")
    return frame


REGIONS = UploadKind(
    key="regions",
    title_key="ingest.kind.regions",
    table="region",
    natural_key=("code",),
    roles=ADMIN_ONLY,
    scope_field="parent_code",
    columns=(
        Column("code", "区划代码", "Region code", required=True, pattern=REGION_CODE,
               aliases=("行政区划代码", "代码", "code"), example="210102",
               help_zh="6 位行政区划代码（GB/T 2260）", help_en="6-digit administrative code (GB/T 2260)"),
        Column("name", "区划名称", "Region name", required=True, max_length=64,
               aliases=("名称", "name"), example="和平区",
               help_zh="区划全称", help_en="Full name of the region"),
        Column("level", "级别", "Level", required=True, choices=LEVEL_CHOICES, example="县",
               aliases=("层级", "level"),
               help_zh="省、市或县", help_en="province, city or county"),
        Column("parent_code", "上级区划代码", "Parent code", pattern=REGION_CODE,
               aliases=("上级代码", "parent"), example="210100",
               help_zh="上级区划的代码；省级留空；可以是本文件中的另一行",
               help_en="Code of the parent region; empty for the province; may be another row of this file"),
    ),
    references=(Reference("parent_code", "region", "code",
                          fetch={"path": "_parent_path", "level": "_parent_level"},
                          scope_column="code", in_file=True),),
    checks=(
        CrossCheck("parent_code", pl.col("parent_code") == pl.col("code"), "ingest.err_own_parent"),
        CrossCheck("parent_code", (pl.col("level") != "province") & pl.col("parent_code").is_null(),
                   "ingest.err_parent_required"),
        CrossCheck("parent_code", (pl.col("level") == "province") & pl.col("parent_code").is_not_null(),
                   "ingest.err_province_parent"),
    ),
    derive=region_paths,
    derived=("path",),
    post_checks=(
        CrossCheck("level", pl.col("parent_code").is_not_null()
                   & (pl.col("_parent_level") != pl.col("level").replace_strict(
                       _PARENT_LEVEL, default=None, return_dtype=pl.String)).fill_null(True),
                   "ingest.err_level_parent"),
    ),
    fixed=("level", "parent_code"),
)

DEPARTMENTS = UploadKind(
    key="departments",
    title_key="ingest.kind.departments",
    table="department",
    natural_key=("code",),
    roles=ADMIN_ONLY,
    scope_field="region_code",
    columns=(
        Column("code", "部门代码", "Department code", required=True, pattern=r"\d{9}",
               aliases=("代码", "code"), example="210102004",
               help_zh="区划代码加 3 位序号，共 9 位", help_en="Region code plus a 3-digit number (9 digits)"),
        Column("name", "部门名称", "Department name", required=True, max_length=128,
               aliases=("名称", "部门", "name"), example="和平区市场监督管理局",
               help_zh="部门全称", help_en="Full name of the department"),
        Column("region_code", "所属区划代码", "Region code", required=True, pattern=REGION_CODE,
               aliases=("区划代码", "region"), example="210102",
               help_zh="部门所在区划的 6 位代码，须在您的管理范围内",
               help_en="6-digit code of the department's region, inside your scope"),
        Column("kind", "部门类别", "Department kind", choices=DEPARTMENT_KIND_CHOICES,
               default="other", aliases=("类别", "kind"), example="市场监督管理",
               help_zh="职能类别；留空为“其他”", help_en="Functional kind; empty means other"),
        Column("active", "在用", "Active", type="bool", default=True,
               aliases=("是否在用", "active"), example="是",
               help_zh="是 / 否；留空为“是”", help_en="yes / no; empty means yes"),
    ),
    references=(Reference("region_code", "region", "code", scope_column="code"),),
    checks=(
        CrossCheck("code", ~pl.col("code").str.starts_with(pl.col("region_code")),
                   "ingest.err_department_code_region"),
    ),
    fixed=("region_code",),
)

USERS = UploadKind(
    key="users",
    title_key="ingest.kind.users",
    table="user",
    natural_key=("username",),
    roles=ADMIN_ONLY,
    scope_field="region_code",
    columns=(
        Column("username", "用户名", "Username", required=True, pattern=r"[a-z0-9_.\-]{3,32}",
               aliases=("账号", "登录名", "username"), example="hp_scjg_data",
               help_zh="3–32 位小写字母、数字、点、下划线或连字符",
               help_en="3–32 lower-case letters, digits, dot, underscore or hyphen"),
        Column("display_name", "姓名", "Name", required=True, max_length=64,
               aliases=("名称", "显示名", "name"), example="张三",
               help_zh="显示的姓名", help_en="Name shown in the app"),
        Column("roles", "角色", "Roles", type="list", required=True, choices=ROLE_CHOICES,
               aliases=("role",), example="数据专员",
               help_zh="一个或多个角色，用逗号分隔", help_en="One or more roles, separated by commas"),
        Column("region_code", "区划代码", "Region code", required=True, pattern=REGION_CODE,
               aliases=("所属区划代码", "region"), example="210102",
               help_zh="数据范围所在区划，须在您的管理范围内", help_en="Region of the user's scope, inside yours"),
        Column("department_code", "部门代码", "Department code", pattern=r"\d{9}", write=False,
               aliases=("所属部门代码", "department"), example="210102004",
               help_zh="可选；须是该区划的部门", help_en="Optional; must be a department of that region"),
        Column("active", "启用", "Active", type="bool", default=True,
               aliases=("在用", "是否启用", "active"), example="是",
               help_zh="是 / 否；留空为“是”", help_en="yes / no; empty means yes"),
    ),
    references=(
        Reference("region_code", "region", "code", scope_column="code"),
        Reference("department_code", "department", "code",
                  fetch={"id": "department_id", "region_code": "_department_region"},
                  scope_column="region_code"),
    ),
    post_checks=(
        CrossCheck("department_code", pl.col("department_code").is_not_null()
                   & (pl.col("_department_region") != pl.col("region_code")),
                   "ingest.err_department_region"),
    ),
    insert_defaults={"failed_attempts": 0, "created_at": utcnow},
    notice_key="ingest.users_no_password",
)

KINDS = (REGIONS, DEPARTMENTS, USERS,)

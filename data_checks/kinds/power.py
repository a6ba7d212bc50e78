"""Upload kinds of S1 (行政权力运行): powers, flow steps, flow edges, risk points, inspections.

Versions stay safe: an upload only creates or changes version 1 of a power while it is a
draft (`status` is a fixed field, so a row for a confirmed, published or abolished power is
refused); later versions come from editing a published power on its page. Steps and edges
attach to the CURRENT version of a power code (found through `power.current_code`) and only
while it is a draft; risk points attach to the current version unless it is abolished.
A risk point's stored level is derived from its criteria with the default thresholds; every
reader (pages, rules, publishing) grades the criteria again with the admin's thresholds."""

from __future__ import annotations

import polars as pl

from data_checks.kinds import Column, CrossCheck, Reference, UploadKind
from metrics.power.risk import CRITERIA, risk_level_expr
from models.base import utcnow

EDITORS = frozenset({"admin", "data_officer"})
POWER_CODE = r"[A-Z0-9][A-Z0-9-]{3,63}"
DEPT_CODE = r"\d{9}"

CATEGORY_CHOICES = {
    "行政许可": ("行政许可", "licensing", "许可"), "行政处罚": ("行政处罚", "penalty", "处罚"),
    "行政强制": ("行政强制", "coercion", "强制"), "行政征收": ("行政征收", "levy", "征收"),
    "行政给付": ("行政给付", "benefit", "给付"), "行政检查": ("行政检查", "inspection", "检查"),
    "行政确认": ("行政确认", "confirmation", "确认"), "行政奖励": ("行政奖励", "reward", "奖励"),
    "行政裁决": ("行政裁决", "adjudication", "裁决"), "其他": ("其他", "other"),
}

# The current version of a power code, in the uploader's scope; its department is then
# checked against a data officer's own department by the second reference.
CURRENT_POWER = Reference("power_code", "power", "current_code",
                          fetch={"id": "power_id", "status": "_power_status",
                                 "department_id": "_department_id"},
                          scope_column="region_code")
OWN_DEPARTMENT = Reference("_department_id", "department", "id", scope_column="region_code",
                           scope_department=True)
POWER_CODE_COLUMN = Column(
    "power_code", "职权编码", "Power code", required=True, pattern=POWER_CODE, write=False,
    aliases=("编码", "code"), example="XK-210102004-001",
    help_zh="职权目录中的编码；对应该职权的现行版本", help_en="Code in the catalog; its current version")
POWER_ID_COLUMN = Column(
    "power_id", "职权内部号", "Power id", type="int",
    help_zh="无需填写：按职权编码自动匹配", help_en="Leave empty: found from the power code")


def _current_code(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(pl.col("code").alias("current_code"))


POWERS = UploadKind(
    key="powers", title_key="power.upload_title", table="power",
    natural_key=("code", "version"), roles=EDITORS,
    columns=(
        Column("code", "职权编码", "Power code", required=True, pattern=POWER_CODE,
               aliases=("编码", "code"), example="XK-210102004-001",
               help_zh="大写字母、数字和连字符", help_en="Upper-case letters, digits and hyphens"),
        Column("version", "版本", "Version", type="int", default=1, min_value=1, max_value=1,
               example="1", help_zh="只能为 1：上传只新建或修改草稿；已公开职权请在页面修改（生成新版本）",
               help_en="Must be 1: uploads create or change drafts; edit published powers on their page"),
        Column("name", "职权名称", "Power name", required=True, max_length=200,
               aliases=("名称", "name"), example="食品经营许可"),
        Column("category", "职权类别", "Category", required=True, choices=CATEGORY_CHOICES,
               aliases=("类别", "category"), example="行政许可"),
        Column("department_code", "部门代码", "Department code", required=True,
               pattern=DEPT_CODE, write=False, aliases=("实施部门代码",), example="210102004",
               help_zh="9 位部门代码，须在您的范围内", help_en="9-digit department code in your scope"),
        Column("legal_basis", "设定依据", "Legal basis", required=True, max_length=2000,
               aliases=("法律依据",), example="《中华人民共和国食品安全法》第三十五条"),
        Column("statutory_limit_days", "法定时限", "Statutory limit", type="int", required=True,
               min_value=0, max_value=3650, example="20",
               help_zh="工作日", help_en="working days"),
        Column("promised_limit_days", "承诺时限", "Promised limit", type="int", required=True,
               min_value=0, max_value=3650, example="10",
               help_zh="工作日，不超过法定时限", help_en="working days, at most the statutory limit"),
        Column("fee_standard", "收费标准", "Fee", type="money", min_value=0, example="",
               help_zh="元/件；不收费留空", help_en="yuan per case; empty when free"),
        Column("online_available", "可网上办理", "Online", type="bool", default=False,
               example="是"),
        Column("status", "状态", "Status", choices={"draft": ("草稿", "draft")}, default="draft",
               write=False, example="草稿",
               help_zh="只能上传草稿", help_en="Only drafts can be uploaded"),
    ),
    references=(Reference("department_code", "department", "code",
                          fetch={"id": "department_id", "region_code": "region_code"},
                          scope_column="region_code", scope_department=True),),
    checks=(CrossCheck("promised_limit_days",
                       pl.col("promised_limit_days") > pl.col("statutory_limit_days"),
                       "power.upload.err_promised"),),
    derive=_current_code, derived=("current_code",),
    fixed=("status", "department_id"),
    insert_defaults={"status": "draft", "is_current": True, "created_at": utcnow,
                     "updated_at": utcnow},
)

_DRAFT_ONLY = CrossCheck("power_code", pl.col("_power_status") != "draft",
                         "power.upload.err_not_draft")

POWER_STEPS = UploadKind(
    key="power_steps", title_key="power.upload.steps", table="power_step",
    natural_key=("power_id", "seq"), roles=EDITORS,
    columns=(
        POWER_CODE_COLUMN,
        Column("seq", "步骤序号", "Step no.", type="int", required=True, min_value=1,
               max_value=99, example="1"),
        Column("name", "步骤名称", "Step", required=True, max_length=100, example="受理"),
        Column("post", "承办岗位", "Post", max_length=100, default="", example="综合窗口"),
        Column("limit_days", "步骤时限", "Step limit", type="int", min_value=0, max_value=3650,
               example="1", help_zh="工作日；可留空", help_en="working days; may be empty"),
        Column("supervision_point", "监督节点", "Supervision point", type="bool", default=False,
               example="否"),
        Column("discretionary", "自由裁量", "Discretionary", type="bool", default=False,
               example="否"),
        POWER_ID_COLUMN,
    ),
    references=(CURRENT_POWER, OWN_DEPARTMENT),
    post_checks=(_DRAFT_ONLY,),
    notice_key="power.upload.flow_notice",
)

POWER_EDGES = UploadKind(
    key="power_edges", title_key="power.upload.edges", table="power_edge",
    natural_key=("power_id", "from_seq", "to_seq"), roles=EDITORS,
    columns=(
        POWER_CODE_COLUMN,
        Column("from_seq", "从步骤", "From step", type="int", required=True, min_value=1,
               max_value=99, example="1"),
        Column("to_seq", "到步骤", "To step", type="int", required=True, min_value=1,
               max_value=99, example="2"),
        Column("condition", "条件", "Condition", max_length=100, example="受理"),
        POWER_ID_COLUMN,
    ),
    references=(CURRENT_POWER, OWN_DEPARTMENT),
    post_checks=(_DRAFT_ONLY,),
    notice_key="power.upload.flow_notice",
)


def _level(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(risk_level_expr())


RISK_POINTS = UploadKind(
    key="risk_points", title_key="power.upload.risks", table="risk_point",
    natural_key=("power_id", "no"), roles=EDITORS,
    columns=(
        POWER_CODE_COLUMN,
        Column("no", "风险点编号", "Risk no.", type="int", required=True, min_value=1,
               max_value=999, example="1", help_zh="同一职权内的编号", help_en="Number within the power"),
        Column("step_seq", "步骤序号", "Step no.", type="int", min_value=1, max_value=99,
               example="2"),
        Column("description", "风险点描述", "Risk point", required=True, max_length=2000,
               example="受理环节故意拖延"),
        *(Column(c, zh, en, type="bool", default=False, example="否")
          for c, zh, en in zip(CRITERIA, ("管人管钱管物", "自由裁量", "须集体决策", "间接影响力",
                                          "易发多发领域"),
                               ("Controls resources", "Discretion", "Collective decision",
                                "Indirect leverage", "High incidence"), strict=True)),
        Column("measures", "防控措施", "Measures", max_length=4000, example="一次性告知；限时办结"),
        Column("responsible_post", "责任岗位", "Responsible post", max_length=100, default="",
               example="受理岗"),
        Column("last_review", "最近复核日期", "Last reviewed", type="date", example="2026-03-01"),
        POWER_ID_COLUMN,
    ),
    references=(CURRENT_POWER, OWN_DEPARTMENT),
    post_checks=(CrossCheck("power_code", pl.col("_power_status") == "abolished",
                            "power.upload.err_abolished"),),
    derive=_level, derived=("level",),
    insert_defaults={"created_at": utcnow, "updated_at": utcnow},
)

INSPECTIONS = UploadKind(
    key="inspections", title_key="power.upload.inspections", table="inspection",
    natural_key=("ref_no",), roles=frozenset({"admin", "supervisor", "data_officer"}),
    columns=(
        Column("ref_no", "检查编号", "Inspection no.", required=True, max_length=40,
               pattern=r"[A-Za-z0-9-]{3,40}", example="JC-210102004-20260301-01"),
        Column("department_code", "部门代码", "Department code", required=True,
               pattern=DEPT_CODE, write=False, example="210102004"),
        Column("power_code", "职权编码", "Power code", pattern=POWER_CODE, write=False,
               example="", help_zh="检查某项职权时填写；检查整个部门留空",
               help_en="For an inspection of one power; empty for the whole department"),
        Column("inspected_on", "检查日期", "Inspected on", type="date", required=True,
               example="2026-03-01"),
        Column("findings", "发现问题", "Findings", required=True, max_length=4000,
               example="案卷归档不规范"),
        Column("rectify_by", "整改期限", "Rectify by", type="date", example="2026-04-01"),
        Column("rectified_on", "整改完成日期", "Rectified on", type="date", example=""),
        Column("inspector", "检查单位", "Inspected by", max_length=100, default="",
               example="纪检监察组"),
        POWER_ID_COLUMN,
    ),
    references=(
        Reference("department_code", "department", "code",
                  fetch={"id": "department_id", "region_code": "region_code"},
                  scope_column="region_code", scope_department=True),
        Reference("power_code", "power", "current_code",
                  fetch={"id": "power_id", "department_id": "_power_department"},
                  scope_column="region_code"),
    ),
    checks=(
        CrossCheck("rectify_by", pl.col("rectify_by") < pl.col("inspected_on"),
                   "power.insp.err_dates"),
        CrossCheck("rectified_on", pl.col("rectified_on") < pl.col("inspected_on"),
                   "power.insp.err_rectified_before"),
    ),
    post_checks=(CrossCheck("power_code", pl.col("power_code").is_not_null()
                            & (pl.col("_power_department") != pl.col("department_id")),
                            "power.insp.err_power"),),
    fixed=("department_id",),
    insert_defaults={"created_at": utcnow},
)

KINDS = (POWERS, POWER_STEPS, POWER_EDGES, RISK_POINTS, INSPECTIONS,)

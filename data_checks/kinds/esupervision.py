"""Upload kinds of S4 (行政权力电子监察): approval cases, their steps and suspensions, special
funds and their payments.

Dates are entered as calendar dates with an optional HH:MM time in Asia/Shanghai; the stored
timestamps are aware UTC (derived). A case refers to the version of its power code in force
on the day of receipt (published, not yet superseded or abolished: never a draft opened by
an edit) and takes that version's department and region; its promised limit defaults to
that version's. Steps and suspensions refer to a case by number and
payments to a fund by code, all in the uploader's scope (a data officer: own department).
A step is keyed by (case, step no., pass): a case that comes back to a step (补正, 3→2) adds a
pass. Money is exact yuan (type "money": at most two decimals). A suspension must lie within
its case (from the day of receipt, not after the conclusion), may be open only while the case
is, and may not overlap another suspension of the case, in the same file or already stored
(a stored one is corrected by uploading it again with its own start date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import polars as pl

from data_checks.cells import shanghai_timestamp as _at
from data_checks.kinds import AsOf, Column, CrossCheck, Reference, StoredCheck, UploadKind
from models.base import utcnow
from models.esupervision import CASE_STATUSES, MAX_PASSES, SUSPENSION_KINDS

EDITORS = frozenset({"admin", "data_officer"})
TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
CASE_NO = r"[A-Za-z0-9-]{4,64}"
USCC = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"
DEPT_CODE = r"\d{9}"

STATUS_CHOICES = {
    "in_progress": ("办理中", "in_progress", "在办"), "suspended": ("中止", "suspended", "暂停计时"),
    "finished": ("已办结", "finished", "办结"), "rejected": ("不予许可", "rejected", "不予受理"),
    "withdrawn": ("撤回", "withdrawn", "已撤回"),
}
assert set(STATUS_CHOICES) == set(CASE_STATUSES)
CHANNEL_CHOICES = {"online": ("网上", "online", "网办", "网上办理"), "window": ("窗口", "window", "窗口办理")}


def _case_times(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        _at("received_on", "received_time", "received_at"),
        _at("finished_on", "finished_time", "finished_at"),
        pl.coalesce(pl.col("promised_limit_days"), pl.col("_power_limit")).cast(pl.Int64)
        .alias("promised_limit_days"))


def _step_times(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(_at("started_on", "started_time", "started_at"),
                              _at("finished_on", "finished_time", "finished_at"))


OWN_DEPARTMENT = Reference("_department_id", "department", "id", scope_column="region_code",
                           scope_department=True)
CASE_REF = Reference("case_no", "approval_case", "case_no",
                     fetch={"id": "case_id", "department_id": "_department_id"},
                     scope_column="region_code")
CASE_WITH_DATES = Reference("case_no", "approval_case", "case_no",
                            fetch={"id": "case_id", "department_id": "_department_id",
                                   "status": "_case_status", "received_at": "_case_received_at",
                                   "finished_at": "_case_finished_at"},
                            scope_column="region_code")


def _shanghai_day(col: str) -> pl.Expr:
    """A fetched timestamp (text as the database returned it, UTC) as its Shanghai date."""
    text = pl.col(col).cast(pl.String)
    at = pl.coalesce(text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f%#z", time_zone="UTC", strict=False),
                     text.str.to_datetime("%Y-%m-%d %H:%M:%S%.f", strict=False)
                     .dt.replace_time_zone("UTC"))
    return at.dt.convert_time_zone("Asia/Shanghai").dt.date()


def _case_days(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(_shanghai_day("_case_received_at").alias("_case_received_on"),
                              _shanghai_day("_case_finished_at").alias("_case_finished_on"))


_CONCLUDED = ("finished", "rejected", "withdrawn")
# another suspension of the same case in the file starts before this one ends (both dates
# inclusive; an open one lasts for ever)
_NEXT_START = pl.col("start_on").shift(-1).over("case_id", order_by="start_on")
_OVERLAPS = (pl.coalesce(pl.col("end_on"), pl.lit(date.max)) >= _NEXT_START).fill_null(False)
SUSPENSION_CHECKS = (
    CrossCheck("end_on", pl.col("end_on").is_null() & pl.col("_case_status").is_in(_CONCLUDED),
               "esupervision.upload.err_open_on_concluded"),
    CrossCheck("start_on", pl.col("start_on") < pl.col("_case_received_on"),
               "esupervision.upload.err_suspension_before_receipt"),
    CrossCheck("end_on", pl.coalesce(pl.col("end_on"), pl.col("start_on")) > pl.col("_case_finished_on"),
               "esupervision.upload.err_suspension_after_conclusion"),
    CrossCheck("start_on", _OVERLAPS, "esupervision.upload.err_suspension_overlap"),
)


def _overlaps_stored(frame: pl.DataFrame, stored: pl.DataFrame) -> pl.Series:
    """`_row`s of the file's suspensions that share a day with a stored one of the same case
    (both dates inclusive; an open one lasts for ever)."""
    far = pl.lit(date.max)
    pairs = frame.select("_row", "case_id", "start_on", "end_on").join(
        stored.select("case_id", pl.col("start_on").alias("__s_start"),
                      pl.col("end_on").alias("__s_end")), on="case_id")
    return pairs.filter((pl.col("start_on") <= pl.coalesce(pl.col("__s_end"), far))
                        & (pl.col("__s_start") <= pl.coalesce(pl.col("end_on"), far)))["_row"].unique()


STORED_OVERLAP = StoredCheck("case_id", ("start_on", "end_on"), _overlaps_stored, "start_on",
                             "esupervision.upload.err_suspension_overlap_stored")
CASE_NO_COLUMN = Column("case_no", "办件编号", "Case no.", required=True, pattern=CASE_NO,
                        write=False, example="2101020042026000001")
CASE_ID_COLUMN = Column("case_id", "办件内部号", "Case id", type="int",
                        help_zh="无需填写：按办件编号自动匹配", help_en="Leave empty: found from the case no.")
FUND_ID_COLUMN = Column("fund_id", "资金内部号", "Fund id", type="int",
                        help_zh="无需填写：按资金编号自动匹配", help_en="Leave empty: found from the fund code")


def _time(field: str, zh: str, en: str) -> Column:
    return Column(field, zh, en, type="time", write=False, example="09:30",
                  help_zh="时:分（北京时间），可留空", help_en="HH:MM (Beijing time), may be empty")


CASES = UploadKind(
    key="approval_cases", title_key="esupervision.upload.cases", table="approval_case",
    natural_key=("case_no",), roles=EDITORS,
    columns=(
        Column("case_no", "办件编号", "Case no.", required=True, pattern=CASE_NO,
               example="2101020042026000001"),
        Column("power_code", "职权编码", "Power code", required=True, write=False,
               pattern=r"[A-Z0-9][A-Z0-9-]{3,63}", example="XK-210102004-001"),
        Column("channel", "受理渠道", "Channel", required=True, choices=CHANNEL_CHOICES, example="网上"),
        Column("received_on", "受理日期", "Received on", type="date", required=True, write=False,
               example="2026-11-02"),
        _time("received_time", "受理时间", "Received at"),
        Column("promised_limit_days", "承诺时限", "Promised limit", type="int", min_value=0,
               max_value=3650, example="", help_zh="工作日；留空取职权目录的承诺时限",
               help_en="working days; empty: the catalog's promised limit"),
        Column("status", "办理状态", "Status", required=True, choices=STATUS_CHOICES, example="已办结"),
        Column("finished_on", "办结日期", "Concluded on", type="date", write=False, example="2026-11-09"),
        _time("finished_time", "办结时间", "Concluded at"),
        Column("result", "办理结果", "Result", max_length=200, example="准予许可"),
        Column("reject_reason", "不予许可理由", "Reason for rejection", max_length=500, example=""),
        Column("fee_charged", "实收费用", "Fee charged", type="money", min_value=0, default=Decimal("0.00"),
               example="0", help_zh="元", help_en="yuan"),
    ),
    references=(Reference("power_code", "power", "code",
                          fetch={"id": "power_id", "department_id": "department_id",
                                 "region_code": "region_code",
                                 "promised_limit_days": "_power_limit"},
                          scope_column="region_code",
                          as_of=AsOf("received_on", "published_at", "retired_at")),
                Reference("department_id", "department", "id", scope_column="region_code",
                          scope_department=True)),
    checks=(
        CrossCheck("finished_on", pl.col("finished_on") < pl.col("received_on"),
                   "esupervision.upload.err_finished_before"),
        CrossCheck("finished_on", pl.col("status").is_in(["finished", "rejected", "withdrawn"])
                   & pl.col("finished_on").is_null(), "esupervision.upload.err_finished_missing"),
        CrossCheck("finished_on", pl.col("status").is_in(["in_progress", "suspended"])
                   & pl.col("finished_on").is_not_null(), "esupervision.upload.err_finished_open"),
    ),
    derive=_case_times, derived=("received_at", "finished_at"),
    fixed=("department_id",),
    insert_defaults={"created_at": utcnow},
)

CASE_STEPS = UploadKind(
    key="case_steps", title_key="esupervision.upload.steps", table="case_step",
    natural_key=("case_id", "seq", "pass_no"), roles=EDITORS,
    columns=(
        CASE_NO_COLUMN,
        Column("seq", "步骤序号", "Step no.", type="int", required=True, min_value=1, max_value=99,
               example="1", help_zh="职权流程图中的步骤序号", help_en="Step no. of the power's flow chart"),
        Column("pass_no", "办理次数", "Pass", type="int", min_value=1, max_value=MAX_PASSES, default=1,
               example="1", help_zh="同一步骤第几次办理（补正后退回重办为 2、3…），留空为 1",
               help_en="which pass through the step (2, 3 … when the case comes back); empty: 1"),
        Column("started_on", "开始日期", "Started on", type="date", required=True, write=False,
               example="2026-11-02"),
        _time("started_time", "开始时间", "Started at"),
        Column("finished_on", "完成日期", "Finished on", type="date", write=False, example="2026-11-03"),
        _time("finished_time", "完成时间", "Finished at"),
        Column("handler", "经办人", "Handler", max_length=64, default="", example="王经办"),
        CASE_ID_COLUMN,
    ),
    references=(CASE_REF, OWN_DEPARTMENT),
    checks=(CrossCheck("finished_on", pl.col("finished_on") < pl.col("started_on"),
                       "esupervision.upload.err_finished_before"),),
    derive=_step_times, derived=("started_at", "finished_at"),
)

CASE_SUSPENSIONS = UploadKind(
    key="case_suspensions", title_key="esupervision.upload.suspensions", table="case_suspension",
    natural_key=("case_id", "start_on"), roles=EDITORS,
    columns=(
        CASE_NO_COLUMN,
        Column("kind", "中止类型", "Kind", required=True,
               choices={k: (k,) for k in SUSPENSION_KINDS}, example="补正材料"),
        Column("start_on", "中止开始日期", "Suspended from", type="date", required=True,
               example="2026-11-03"),
        Column("end_on", "中止结束日期", "Suspended until", type="date", example="2026-11-06",
               help_zh="仍在中止时留空", help_en="Empty while it lasts"),
        Column("reason", "中止理由", "Reason", max_length=500, example="申请材料不齐全，已一次性告知补正"),
        CASE_ID_COLUMN,
    ),
    references=(CASE_WITH_DATES, OWN_DEPARTMENT),
    checks=(CrossCheck("end_on", pl.col("end_on") < pl.col("start_on"),
                       "esupervision.upload.err_end_before"),),
    derive=_case_days, post_checks=SUSPENSION_CHECKS, stored_checks=(STORED_OVERLAP,),
)

FUNDS = UploadKind(
    key="special_funds", title_key="esupervision.upload.funds", table="special_fund",
    natural_key=("code",), roles=EDITORS,
    columns=(
        Column("code", "资金编号", "Fund code", required=True, pattern=r"[A-Za-z0-9-]{3,64}",
               example="ZX-210102001-2026-001"),
        Column("name", "资金名称", "Fund name", required=True, max_length=200, example="2026年就业补助资金"),
        Column("department_code", "部门代码", "Department code", required=True, pattern=DEPT_CODE,
               write=False, example="210102001"),
        Column("year", "年度", "Year", type="int", required=True, min_value=2000, max_value=2100,
               example="2026"),
        Column("budget", "预算金额", "Budget", type="money", required=True, min_value=0,
               example="2000000", help_zh="元", help_en="yuan"),
        Column("purpose", "用途", "Purpose", max_length=2000, default="", example="就业技能培训补贴"),
        Column("allocated_on", "下达日期", "Allocated on", type="date", required=True,
               example="2026-03-01"),
        Column("approval_threshold", "审批限额", "Approval threshold", type="money", required=True,
               min_value=0, example="100000", help_zh="单笔达到该金额须集体审批（元）",
               help_en="a payment at or above it needs collective approval (yuan)"),
    ),
    references=(Reference("department_code", "department", "code",
                          fetch={"id": "department_id", "region_code": "region_code"},
                          scope_column="region_code", scope_department=True),),
    fixed=("department_id",),
    insert_defaults={"created_at": utcnow},
)

FUND_PAYMENTS = UploadKind(
    key="fund_payments", title_key="esupervision.upload.payments", table="fund_payment",
    natural_key=("fund_id", "voucher"), roles=EDITORS,
    columns=(
        Column("fund_code", "资金编号", "Fund code", required=True, write=False,
               pattern=r"[A-Za-z0-9-]{3,64}", example="ZX-210102001-2026-001"),
        Column("voucher", "凭证号", "Voucher", required=True, max_length=64, example="ZF-0001"),
        Column("recipient_name", "收款单位", "Recipient", required=True, max_length=200,
               example="沈阳市和平区劳务服务有限公司"),
        Column("recipient_uscc", "统一社会信用代码", "Unified social credit code", required=True,
               pattern=USCC, example="91210102MA0Q1234XY"),
        Column("amount", "支付金额", "Amount", type="money", required=True, min_value=0.01,
               example="58000", help_zh="元", help_en="yuan"),
        Column("paid_on", "支付日期", "Paid on", type="date", required=True, example="2026-06-18"),
        FUND_ID_COLUMN,
    ),
    references=(Reference("fund_code", "special_fund", "code",
                          fetch={"id": "fund_id", "department_id": "_department_id"},
                          scope_column="region_code"),
                OWN_DEPARTMENT),
)

KINDS = (CASES, CASE_STEPS, CASE_SUSPENSIONS, FUNDS, FUND_PAYMENTS,)

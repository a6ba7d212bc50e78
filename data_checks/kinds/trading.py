"""Upload kinds of S2 (公共资源交易): parties, processes, bids, awards, contracts.

Chinese names are mapped to OCDS codes here, at import (有效投标 → valid, 否决投标/无效投标 →
disqualified, 中标/成交 → active, 流标/废标 → unsuccessful …; red-flags.md §4). A 统一社会信用代码
is checked by its GB 32100-2015 check character, vectorised in polars. Times are a date plus
an optional HH:MM in Beijing time, stored as aware UTC. Bids, awards and contracts refer to a
process by ocid in the uploader's scope, and to parties registered before (upload the parties
first). The OCDS procurementMethod is derived from the Chinese method."""

from __future__ import annotations

import polars as pl

from data_checks.kinds import Column, CrossCheck, Reference, UploadKind
from models.base import utcnow
from models.trading import USCC_CHARS, USCC_PATTERN, USCC_WEIGHTS

EDITORS = frozenset({"admin", "data_officer"})
TIME = r"(?:[01]\d|2[0-3]):[0-5]\d"
OCID = r"ocds-[a-z0-9]{6}-[A-Za-z0-9-]{1,50}"
NO = r"[A-Za-z0-9_-]{1,32}"

DOMAIN_CHOICES = {
    "works": ("工程建设", "works", "工程"), "procurement": ("政府采购", "procurement", "采购"),
    "land": ("土地使用权", "land", "土地", "国有建设用地使用权"), "mining": ("矿业权", "mining", "探矿权", "采矿权"),
    "state_property": ("国有产权", "state_property"), "collective_property": ("集体产权", "collective_property"),
}
METHOD_DETAILS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源", "挂牌", "拍卖")
METHOD_OF = {"公开招标": "open", "挂牌": "open", "拍卖": "open", "邀请招标": "selective",
             "竞争性谈判": "selective", "竞争性磋商": "selective", "询价": "selective",
             "单一来源": "direct"}
TENDER_STATUS = {"planning": ("计划中", "planning"), "active": ("进行中", "active", "公告中", "招标中"),
                 "complete": ("已完成", "complete", "已成交", "已定标"),
                 "unsuccessful": ("流标", "unsuccessful", "废标"),
                 "cancelled": ("已终止", "cancelled", "终止"), "withdrawn": ("撤回", "withdrawn")}
BID_STATUS = {"valid": ("有效投标", "valid", "有效"),
              "disqualified": ("否决投标", "disqualified", "无效投标", "否决", "无效"),
              "withdrawn": ("撤回", "withdrawn", "已撤回"), "pending": ("已递交未评审", "pending", "待评审"),
              "invited": ("邀请", "invited", "受邀")}
AWARD_STATUS = {"pending": ("中标候选人公示中", "pending", "公示中"), "active": ("中标", "active", "成交"),
                "unsuccessful": ("流标", "unsuccessful", "废标"), "cancelled": ("撤销中标", "cancelled", "撤销")}
CONTRACT_STATUS = {"pending": ("待签订", "pending"), "active": ("已签订", "active", "履行中"),
                   "terminated": ("已履行完毕", "terminated", "已终止"), "cancelled": ("已解除", "cancelled", "解除")}
CRITERIA = {"priceOnly": ("最低价", "priceOnly", "经评审的最低投标价法", "最高价"),
            "ratedCriteria": ("综合评分", "ratedCriteria", "综合评估法"),
            "qualityOnly": ("质量优先", "qualityOnly"), "costOnly": ("最低成本", "costOnly")}
CATEGORY = {"works": ("工程", "works", "施工"), "goods": ("货物", "goods"), "services": ("服务", "services")}


def bad_uscc(col: str) -> pl.Expr:
    """True where a non-empty code fails the GB 32100-2015 shape or check character."""
    value = pl.col(col).str.to_uppercase()
    lookup = {c: i for i, c in enumerate(USCC_CHARS)}
    total = pl.sum_horizontal(
        value.str.slice(i, 1).replace_strict(lookup, default=0, return_dtype=pl.Int64) * w
        for i, w in enumerate(USCC_WEIGHTS))
    check = ((31 - total % 31) % 31).replace_strict(dict(enumerate(USCC_CHARS)),
                                                    return_dtype=pl.String)
    shape = value.str.contains(f"^{USCC_PATTERN}$")
    return pl.col(col).is_not_null() & (~shape | (value.str.slice(17, 1) != check))


def _uscc(field: str, zh: str, en: str, *, required: bool = True, write: bool = True) -> Column:
    return Column(field, zh, en, required=required, write=write, max_length=18,
                  example="91210100MA0QC4KX7L",
                  help_zh="18 位统一社会信用代码（校验位按 GB 32100-2015 检查）",
                  help_en="18-character unified social credit code (check character verified)")


def _time(field: str, zh: str, en: str) -> Column:
    return Column(field, zh, en, pattern=TIME, write=False, example="09:30",
                  help_zh="时:分（北京时间），可留空", help_en="HH:MM (Beijing time), may be empty")


def _at(date_col: str, time_col: str | None, out: str, default: str = "09:00") -> pl.Expr:
    hhmm = pl.col(time_col).fill_null(default) if time_col else pl.lit(default)
    minutes = hhmm.str.slice(0, 2).cast(pl.Int64) * 60 + hhmm.str.slice(3, 2).cast(pl.Int64)
    return ((pl.col(date_col).cast(pl.Datetime("us")) + pl.duration(minutes=minutes))
            .dt.replace_time_zone("Asia/Shanghai").dt.convert_time_zone("UTC").alias(out))


def _upper(*cols: str):  # noqa: ANN202
    def derive(frame: pl.DataFrame) -> pl.DataFrame:
        return frame.with_columns(pl.col(c).str.to_uppercase() for c in cols)
    return derive


PARTIES = UploadKind(
    key="trade_parties", title_key="trading.upload.parties", table="trade_party",
    natural_key=("uscc",), roles=EDITORS,
    columns=(
        _uscc("uscc", "统一社会信用代码", "Credit code"),
        Column("name", "单位名称", "Name", required=True, max_length=200, example="沈阳某建设工程有限公司"),
        Column("legal_representative", "法定代表人", "Legal representative", max_length=64,
               default="", example="张三"),
        Column("address", "住所", "Address", max_length=300, default="", example="沈阳市和平区某路1号"),
        Column("telephone", "联系电话", "Telephone", max_length=32, default="", example="024-12345678"),
        _uscc("controller_uscc", "控股股东信用代码", "Controlling shareholder", required=False),
        Column("region_code", "所在地区划代码", "Region code", pattern=r"\d{6}", example="210102"),
    ),
    references=(Reference("region_code", "region", "code"),),
    checks=(CrossCheck("uscc", bad_uscc("uscc"), "trading.upload.err_uscc"),
            CrossCheck("controller_uscc", bad_uscc("controller_uscc"), "trading.upload.err_uscc"),
            CrossCheck("controller_uscc", pl.col("controller_uscc") == pl.col("uscc"),
                       "trading.upload.err_self_control")),
    derive=_upper("uscc", "controller_uscc"),
    insert_defaults={"created_at": utcnow},
)


def _process_derive(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        _at("tender_start_on", "tender_start_time", "tender_start"),
        _at("tender_end_on", "tender_end_time", "tender_end"),
        pl.col("method_details").replace_strict(METHOD_OF, return_dtype=pl.String).alias("method"),
        pl.col("agency_uscc").str.to_uppercase())


PROCESSES = UploadKind(
    key="trade_processes", title_key="trading.upload.processes", table="trade_process",
    natural_key=("ocid",), roles=EDITORS,
    columns=(
        Column("ocid", "项目编号（OCID）", "OCID", required=True, pattern=OCID, max_length=64,
               example="ocds-lnggzy-2101022026001"),
        Column("domain", "交易类别", "Domain", required=True, choices=DOMAIN_CHOICES, example="工程建设"),
        Column("title", "项目名称", "Title", required=True, max_length=300, example="某路改造工程施工"),
        Column("department_code", "招标人（采购人）部门代码", "Buyer department code", required=True,
               write=False, pattern=r"[A-Za-z0-9-]{1,32}", example="210102004"),
        _uscc("agency_uscc", "代理机构信用代码", "Agency credit code", required=False),
        Column("agency_name", "代理机构名称", "Agency", max_length=200, example="辽宁某招标代理有限公司"),
        Column("method_details", "交易方式", "Method", required=True,
               choices={m: (m,) for m in METHOD_DETAILS}, example="公开招标"),
        Column("award_criteria", "评标（定标）办法", "Award criteria", choices=CRITERIA,
               default="priceOnly", example="最低价"),
        Column("main_category", "采购类别", "Category", choices=CATEGORY, example="工程"),
        Column("budget", "预算金额", "Budget", type="money", required=True, min_value=0,
               example="3800000.00", help_zh="元", help_en="yuan"),
        Column("max_price", "最高投标限价", "Maximum price", type="money", min_value=0,
               example="3700000.00", help_zh="元；出让类为起始价", help_en="yuan; the floor price for sales"),
        Column("tender_start_on", "文件发出日期", "Documents issued on", type="date", required=True,
               write=False, example="2026-03-02"),
        _time("tender_start_time", "文件发出时间", "Documents issued at"),
        Column("tender_end_on", "投标截止日期", "Submission deadline", type="date", required=True,
               write=False, example="2026-03-23"),
        _time("tender_end_time", "投标截止时间", "Deadline time"),
        Column("status", "项目状态", "Status", required=True, choices=TENDER_STATUS, example="已完成"),
        Column("retender_of", "重新招标的原项目编号", "Re-tender of", pattern=OCID, max_length=64),
    ),
    references=(Reference("department_code", "department", "code",
                          fetch={"id": "department_id", "region_code": "region_code"},
                          scope_column="region_code", scope_department=True),),
    checks=(CrossCheck("agency_uscc", bad_uscc("agency_uscc"), "trading.upload.err_uscc"),
            CrossCheck("tender_end_on", pl.col("tender_end_on") < pl.col("tender_start_on"),
                       "trading.upload.err_end_before_start")),
    derive=_process_derive, derived=("tender_start", "tender_end", "method"),
    fixed=("department_id",),
    insert_defaults={"created_at": utcnow},
)

PROCESS_REF = Reference("ocid", "trade_process", "ocid",
                        fetch={"id": "process_id", "department_id": "_department_id"},
                        scope_column="region_code")
OWN_DEPARTMENT = Reference("_department_id", "department", "id", scope_column="region_code",
                           scope_department=True)
OCID_COLUMN = Column("ocid", "项目编号（OCID）", "OCID", required=True, pattern=OCID, write=False,
                     example="ocds-lnggzy-2101022026001")
PROCESS_ID = Column("process_id", "项目内部号", "Process id", type="int",
                    help_zh="无需填写：按项目编号自动匹配", help_en="Leave empty: found from the OCID")


def _bid_derive(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(_at("received_on", "received_time", "received_at"),
                              pl.col("tenderer_uscc").str.to_uppercase())


BIDS = UploadKind(
    key="trade_bids", title_key="trading.upload.bids", table="trade_bid",
    natural_key=("process_id", "bid_no"), roles=EDITORS,
    columns=(
        OCID_COLUMN,
        Column("bid_no", "投标序号", "Bid no.", required=True, pattern=NO, example="1"),
        _uscc("tenderer_uscc", "投标人信用代码", "Tenderer credit code"),
        Column("amount", "投标报价", "Bid amount", type="money", min_value=0, example="3650000.00",
               help_zh="元", help_en="yuan"),
        Column("received_on", "递交日期", "Received on", type="date", required=True, write=False,
               example="2026-03-23"),
        _time("received_time", "递交时间", "Received at"),
        Column("status", "投标状态", "Status", required=True, choices=BID_STATUS, example="有效投标"),
        Column("bond_account", "保证金付款账号", "Bond payer account", max_length=40,
               pattern=r"[0-9 -]{6,40}", example="6222 0210 0100 1234"),
        Column("bond_payer", "保证金付款人", "Bond payer", max_length=200, example="沈阳某建设工程有限公司"),
        Column("bond_amount", "保证金金额", "Bond amount", type="money", min_value=0, example="50000.00"),
        Column("agent_name", "委托代理人", "Agent", max_length=64, example="李四"),
        Column("project_manager", "项目经理", "Project manager", max_length=64, example="王五"),
        PROCESS_ID,
    ),
    references=(PROCESS_REF, OWN_DEPARTMENT,
                Reference("tenderer_uscc", "trade_party", "uscc")),
    checks=(CrossCheck("tenderer_uscc", bad_uscc("tenderer_uscc"), "trading.upload.err_uscc"),),
    derive=_bid_derive, derived=("received_at",),
)

AWARDS = UploadKind(
    key="trade_awards", title_key="trading.upload.awards", table="trade_award",
    natural_key=("process_id", "award_no"), roles=EDITORS,
    columns=(
        OCID_COLUMN,
        Column("award_no", "中标（成交）序号", "Award no.", required=True, pattern=NO, example="1"),
        _uscc("supplier_uscc", "中标人信用代码", "Supplier credit code"),
        Column("amount", "中标金额", "Award amount", type="money", required=True, min_value=0,
               example="3650000.00"),
        Column("award_on", "中标通知日期", "Award notified on", type="date", required=True,
               write=False, example="2026-04-01"),
        Column("status", "中标状态", "Status", required=True, choices=AWARD_STATUS, example="中标"),
        PROCESS_ID,
    ),
    references=(PROCESS_REF, OWN_DEPARTMENT, Reference("supplier_uscc", "trade_party", "uscc")),
    checks=(CrossCheck("supplier_uscc", bad_uscc("supplier_uscc"), "trading.upload.err_uscc"),),
    derive=lambda f: f.with_columns(_at("award_on", None, "award_date"),
                                    pl.col("supplier_uscc").str.to_uppercase()),
    derived=("award_date",),
)

CONTRACTS = UploadKind(
    key="trade_contracts", title_key="trading.upload.contracts", table="trade_contract",
    natural_key=("process_id", "contract_no"), roles=EDITORS,
    columns=(
        OCID_COLUMN,
        Column("contract_no", "合同编号", "Contract no.", required=True, pattern=NO, example="HT-1"),
        Column("award_no", "中标（成交）序号", "Award no.", required=True, pattern=NO, example="1"),
        _uscc("supplier_uscc", "供应商信用代码", "Supplier credit code"),
        Column("amount", "合同金额", "Contract amount", type="money", required=True, min_value=0,
               example="3650000.00"),
        Column("signed_on", "签订日期", "Signed on", type="date", write=False, example="2026-04-20"),
        Column("status", "合同状态", "Status", required=True, choices=CONTRACT_STATUS, example="已签订"),
        PROCESS_ID,
    ),
    references=(PROCESS_REF, OWN_DEPARTMENT, Reference("supplier_uscc", "trade_party", "uscc")),
    checks=(CrossCheck("supplier_uscc", bad_uscc("supplier_uscc"), "trading.upload.err_uscc"),
            CrossCheck("signed_on", (pl.col("status") == "active") & pl.col("signed_on").is_null(),
                       "trading.upload.err_signed_missing")),
    derive=lambda f: f.with_columns(_at("signed_on", None, "date_signed"),
                                    pl.col("supplier_uscc").str.to_uppercase()),
    derived=("date_signed",),
)

KINDS = (PARTIES, PROCESSES, BIDS, AWARDS, CONTRACTS)

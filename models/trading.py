"""S2 公共资源交易: the register of trading processes, shaped after OCDS 1.1.5 and its bids
extension.

One `TradeProcess` is one OCDS contracting process (its `ocid`); the buyer (招标人, 采购人 or, in a
sale, the 出让方) is a department of the platform, so the process carries that department and
its region for scoped reads. Bids, awards and contracts name parties by their 统一社会信用代码
(`TradeParty.uscc`): OCDS `parties[].id` is that code. Money is exact (Numeric(14, 2), yuan,
CNY), times are aware UTC (shown in Asia/Shanghai). Statuses are OCDS codes; Chinese names are
mapped at import (`core.trading_codes`)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from pydantic import field_validator
from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from models.base import utcnow

# GB 32100-2015 统一社会信用代码: 18 characters from 31 (no I, O, Z, S, V); the 18th is a
# check character, weights 3^(i) mod 31.
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
USCC_PATTERN = r"[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}"


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    """Shape (registration office, kind, 6-digit region, 9-character organisation code) and
    the GB 32100-2015 check character."""
    if not isinstance(code, str) or re.fullmatch(USCC_PATTERN, code) is None:
        return False
    return uscc_check_char(code[:17]) == code[17]

DOMAINS: tuple[str, ...] = ("works", "procurement", "land", "mining", "state_property",
                            "collective_property")
# Sales by highest bid: the lowest-price indicators do not apply (red-flags.md §5).
SALE_DOMAINS: tuple[str, ...] = ("land", "mining", "state_property", "collective_property")
METHODS: tuple[str, ...] = ("open", "selective", "limited", "direct")
TENDER_STATUSES: tuple[str, ...] = ("planning", "planned", "active", "cancelled",
                                    "unsuccessful", "complete", "withdrawn")
BID_STATUSES: tuple[str, ...] = ("invited", "pending", "valid", "disqualified", "withdrawn")
AWARD_STATUSES: tuple[str, ...] = ("pending", "active", "cancelled", "unsuccessful")
CONTRACT_STATUSES: tuple[str, ...] = ("pending", "active", "cancelled", "terminated")
AWARD_CRITERIA: tuple[str, ...] = ("priceOnly", "costOnly", "qualityOnly", "ratedCriteria")
CATEGORIES: tuple[str, ...] = ("goods", "works", "services")


def _money(**kw) -> Decimal:  # noqa: ANN003
    return Field(max_digits=14, decimal_places=2, **kw)


class TradePartyBase(SQLModel):
    uscc: str = Field(min_length=18, max_length=18)  # 统一社会信用代码 (GB 32100-2015)
    name: str = Field(min_length=1, max_length=200)
    legal_representative: str = Field(default="", max_length=64)  # personal data: never public
    address: str = Field(default="", max_length=300)
    telephone: str = Field(default="", max_length=32)
    # 控股股东/实际控制人 (Art. 34 实施条例: units under common control may not bid in one lot)
    controller_uscc: str | None = Field(default=None, max_length=18)
    region_code: str | None = Field(default=None, foreign_key="region.code", max_length=6)

    @field_validator("uscc", "controller_uscc")
    @classmethod
    def _check_digit(cls, v: str | None) -> str | None:
        if v is not None and not is_valid_uscc(v):
            raise ValueError("invalid 统一社会信用代码 (check digit)")
        return v


class TradeParty(TradePartyBase, table=True):
    __tablename__ = "trade_party"
    __table_args__ = (Index("uq_trade_party_uscc", "uscc", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class TradePartyCreate(TradePartyBase):
    pass


class TradePartyPublic(SQLModel):
    """What the public may read about a party: never its legal representative or telephone."""
    uscc: str
    name: str
    address: str


class TradeProcessBase(SQLModel):
    ocid: str = Field(min_length=1, max_length=64)
    domain: str = Field(max_length=24)  # DOMAINS
    title: str = Field(min_length=1, max_length=300)
    department_id: int = Field(foreign_key="department.id")  # buyer / 出让方
    region_code: str = Field(foreign_key="region.code", max_length=6)
    agency_uscc: str | None = Field(default=None, max_length=18)  # 招标代理机构 (procuringEntity)
    agency_name: str | None = Field(default=None, max_length=200)
    method: str = Field(max_length=16)  # METHODS (OCDS procurementMethod)
    method_details: str = Field(max_length=16)  # 公开招标 … 拍卖 (procurementMethodDetails)
    award_criteria: str = Field(default="priceOnly", max_length=16)
    main_category: str | None = Field(default=None, max_length=16)
    budget: Decimal = _money(ge=0)
    max_price: Decimal | None = _money(default=None, ge=0)  # 最高投标限价 / 起始价 for sales
    currency: str = Field(default="CNY", max_length=3)
    tender_start: datetime | None = None
    tender_end: datetime | None = None
    status: str = Field(default="active", max_length=16)  # TENDER_STATUSES
    retender_of: str | None = Field(default=None, max_length=64)  # ocid of the failed first call
    published_at: datetime | None = None


class TradeProcess(TradeProcessBase, table=True):
    __tablename__ = "trade_process"
    __table_args__ = (
        Index("uq_trade_process_ocid", "ocid", unique=True),
        Index("ix_trade_process_region_start", "region_code", "tender_start"),
        Index("ix_trade_process_dept", "department_id"),
        Index("ix_trade_process_domain", "domain"),
    )

    id: int | None = Field(default=None, primary_key=True)
    created_at: datetime = Field(default_factory=utcnow)


class TradeProcessCreate(TradeProcessBase):
    pass


class TradeItem(SQLModel, table=True):
    __tablename__ = "trade_item"
    __table_args__ = (Index("uq_trade_item_no", "process_id", "item_no", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="trade_process.id")
    item_no: str = Field(max_length=32)
    description: str = Field(default="", max_length=300)
    classification_scheme: str = Field(default="CPV", max_length=16)
    classification_id: str = Field(max_length=32)
    quantity: Decimal | None = Field(default=None, max_digits=14, decimal_places=2)
    unit: str = Field(default="", max_length=16)


class TradeBid(SQLModel, table=True):
    __tablename__ = "trade_bid"
    __table_args__ = (
        Index("uq_trade_bid_no", "process_id", "bid_no", unique=True),
        Index("ix_trade_bid_tenderer", "tenderer_uscc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="trade_process.id")
    bid_no: str = Field(max_length=32)
    tenderer_uscc: str = Field(max_length=18)
    amount: Decimal | None = _money(default=None, ge=0)
    received_at: datetime | None = None
    status: str = Field(max_length=16)  # BID_STATUSES
    bond_account: str | None = Field(default=None, max_length=40)  # 投标保证金付款账户
    bond_payer: str | None = Field(default=None, max_length=200)
    bond_amount: Decimal | None = _money(default=None, ge=0)
    agent_name: str | None = Field(default=None, max_length=64)  # 委托代理人
    project_manager: str | None = Field(default=None, max_length=64)  # 项目负责人/项目经理


class TradeAward(SQLModel, table=True):
    __tablename__ = "trade_award"
    __table_args__ = (
        Index("uq_trade_award_no", "process_id", "award_no", unique=True),
        Index("ix_trade_award_supplier", "supplier_uscc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="trade_process.id")
    award_no: str = Field(max_length=32)
    supplier_uscc: str = Field(max_length=18)
    amount: Decimal = _money(ge=0)
    award_date: datetime
    status: str = Field(max_length=16)  # AWARD_STATUSES


class TradeContract(SQLModel, table=True):
    __tablename__ = "trade_contract"
    __table_args__ = (
        Index("uq_trade_contract_no", "process_id", "contract_no", unique=True),
        Index("ix_trade_contract_supplier", "supplier_uscc"),
    )

    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="trade_process.id")
    contract_no: str = Field(max_length=32)
    award_no: str = Field(max_length=32)
    supplier_uscc: str = Field(max_length=18)
    amount: Decimal = _money(ge=0)
    date_signed: datetime | None = None
    status: str = Field(max_length=16)  # CONTRACT_STATUSES


class TradeAmendment(SQLModel, table=True):
    """A change to a contract; `amount_after` is the contract value once amended."""

    __tablename__ = "trade_amendment"
    __table_args__ = (Index("uq_trade_amendment_no", "contract_id", "amendment_no", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="trade_contract.id")
    amendment_no: str = Field(max_length=32)
    amended_at: datetime
    amount_after: Decimal = _money(ge=0)
    rationale: str = Field(default="", max_length=500)

"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditChainHead, AuditEvent
from models.calendar import CalendarDay, CalendarYear
from models.esupervision import ApprovalCase, CaseStep, CaseSuspension, FundPayment, SpecialFund
from models.feedback import Category, Ticket, TicketEvent  # noqa: F401  (S5 tables)
from models.imports import ImportBatch
from models.lights import (
    Alert,
    AlertEvent,
    SupervisionEvidence,
    SupervisionOrder,
    SupervisionOrderAlert,
)
from models.org import Department, Region
from models.performance import (
    DepartmentScore,
    Indicator,
    LeafScore,
    ManualScore,
    Period,
    TreeVersion,
)
from models.power import Inspection, Power, PowerEdge, PowerStep, RiskPoint
from models.rules import RuleSetting
from models.trading import (
    TradeAmendment,
    TradeAward,
    TradeBid,
    TradeContract,
    TradeItem,
    TradeParty,
    TradeProcess,
)
from models.users import LoginTicket, User

__all__ = [
    "AuditChainHead",
    "Alert",
    "AlertEvent",
    "ApprovalCase",
    "CaseStep",
    "CaseSuspension",
    "FundPayment",
    "SpecialFund",
    "AuditEvent",
    "CalendarDay",
    "CalendarYear",
    "Department",
    "ImportBatch",
    "LoginTicket",
    "Inspection",
    "Power",
    "PowerEdge",
    "PowerStep",
    "Region",
    "RiskPoint",
    "RuleSetting",
    "SupervisionEvidence",
    "SupervisionOrder",
    "SupervisionOrderAlert",
    "TradeAmendment",
    "TradeAward",
    "TradeBid",
    "TradeContract",
    "TradeItem",
    "TradeParty",
    "TradeProcess",
    "User",
    "DepartmentScore",
    "Indicator",
    "LeafScore",
    "ManualScore",
    "Period",
    "TreeVersion",
]

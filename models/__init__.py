"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditChainHead, AuditEvent
from models.calendar import CalendarDay, CalendarYear
from models.esupervision import ApprovalCase, CaseStep, CaseSuspension, FundPayment, SpecialFund
from models.imports import ImportBatch
from models.lights import Alert, AlertEvent, SupervisionOrder, SupervisionOrderAlert
from models.org import Department, Region
from models.power import Inspection, Power, PowerEdge, PowerStep, RiskPoint
from models.rules import RuleSetting
from models.users import User

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
    "Inspection",
    "Power",
    "PowerEdge",
    "PowerStep",
    "Region",
    "RiskPoint",
    "RuleSetting",
    "SupervisionOrder",
    "SupervisionOrderAlert",
    "User",
]

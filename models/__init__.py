"""SQLModel tables. Importing this package registers every table on SQLModel.metadata."""

from models.audit import AuditChainHead, AuditEvent
from models.imports import ImportBatch
from models.org import Department, Region
from models.rules import RuleSetting
from models.users import User

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Department",
    "ImportBatch",
    "Region",
    "RuleSetting",
    "User",
]

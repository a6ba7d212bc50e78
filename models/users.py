"""Users, their roles and their scope (region and optional department)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.base import utcnow


class Role(StrEnum):
    admin = "admin"
    leader = "leader"
    data_officer = "data_officer"
    evaluator = "evaluator"
    supervisor = "supervisor"


ALL_ROLES: tuple[str, ...] = tuple(r.value for r in Role)


def parse_roles(raw: str | None) -> list[str]:
    """Roles are stored as a comma-separated string; unknown names are dropped."""
    return [r for r in (raw or "").split(",") if r in ALL_ROLES]


class UserBase(SQLModel):
    username: str = Field(unique=True, index=True, min_length=3, max_length=32,
                          regex=r"^[a-z0-9_.-]+$")
    display_name: str = Field(min_length=1, max_length=64)
    roles: str = Field(max_length=128)
    region_code: str = Field(foreign_key="region.code", max_length=6)
    department_id: int | None = Field(default=None, foreign_key="department.id")


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str | None = Field(default=None, max_length=100)
    active: bool = Field(default=True)
    failed_attempts: int = Field(default=0)
    locked_until: datetime | None = None
    created_at: datetime = Field(default_factory=utcnow)
    last_login_at: datetime | None = None
    # login cookies issued before this moment are refused (set at logout and password change)
    sessions_valid_from: datetime | None = None


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=72)


class UserPublic(UserBase):
    id: int
    active: bool
    locked_until: datetime | None
    last_login_at: datetime | None


class LoginTicket(SQLModel, table=True):
    """A single-use, short-lived ticket that turns a form login into the HttpOnly login cookie
    (services.platform.login_session): the app issues it, the browser presents it once to
    /session/start. Only its SHA-256 is stored."""

    __tablename__ = "login_ticket"

    id: int | None = Field(default=None, primary_key=True)
    ticket_hash: str = Field(max_length=64, unique=True, index=True)
    username: str = Field(max_length=32)
    # when the password was checked: the cookie's issue time (revocations after it win)
    issued_at: datetime
    expires_at: datetime = Field(index=True)
    # the app page to land on and the language chosen before logging in
    next_path: str = Field(default="", max_length=64)
    lang: str = Field(default="", max_length=8)
    # SHA-256 of the browser's Streamlit XSRF token: the ticket works in that browser only
    binding: str | None = Field(default=None, max_length=64)
    used_at: datetime | None = None

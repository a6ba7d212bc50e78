"""What a user may read: their region and everything below it, optionally one department.

Every read helper takes a Scope and applies it in SQL; hiding a page is never enough."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, select, true
from sqlmodel import Session

from models.org import Region
from models.users import UserBase, parse_roles


@dataclass(frozen=True)
class Scope:
    region_codes: frozenset[str] | None  # None: every region (admin)
    department_id: int | None = None
    root_region: str | None = None
    # A set of departments (the alert sync's partitions, issue 12); None: no such limit
    department_ids: frozenset[int] | None = None

    @property
    def is_all(self) -> bool:
        return self.region_codes is None

    def region_filter(self, region_col) -> ColumnElement[bool]:  # noqa: ANN001
        if self.region_codes is None:
            return true()
        return region_col.in_(sorted(self.region_codes))

    def department_filter(self, department_col) -> ColumnElement[bool]:  # noqa: ANN001
        clause = true() if self.department_id is None else department_col == self.department_id
        if self.department_ids is not None:
            clause = clause & department_col.in_(sorted(self.department_ids))
        return clause

    def where(self, region_col, department_col=None) -> ColumnElement[bool]:  # noqa: ANN001
        """Filter for a table with a region column and, optionally, a department column."""
        clause = self.region_filter(region_col)
        if department_col is not None and (self.department_id is not None
                                           or self.department_ids is not None):
            clause = clause & self.department_filter(department_col)
        return clause

    def allows_region(self, code: str | None) -> bool:
        return self.region_codes is None or code in self.region_codes


ALL = Scope(region_codes=None)


def departments_scope(departments: frozenset[int] | None) -> Scope | None:
    """The whole province limited to `departments` (None: no limit), for the rule loaders."""
    return None if departments is None else Scope(region_codes=None,
                                                  department_ids=frozenset(departments))


def regions_under(root_code: str, *, session: Session) -> frozenset[str]:
    root = session.get(Region, root_code)
    if root is None:
        return frozenset()
    codes = session.execute(
        select(Region.code).where(Region.path.startswith(root.path))
    ).scalars()
    return frozenset(codes)


def scope_for(user: UserBase, *, session: Session) -> Scope:
    """Admins see everything; everyone else their own region and below (and department)."""
    if "admin" in parse_roles(user.roles):
        return ALL
    return Scope(
        region_codes=regions_under(user.region_code, session=session),
        department_id=user.department_id,
        root_region=user.region_code,
    )

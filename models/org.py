"""Organisation: administrative regions (6-digit 行政区划代码) and departments."""

from __future__ import annotations

from enum import StrEnum

from pydantic import field_validator
from sqlmodel import Field, SQLModel


class RegionLevel(StrEnum):
    province = "province"
    city = "city"
    county = "county"


class RegionBase(SQLModel):
    code: str = Field(primary_key=True, min_length=6, max_length=6)
    name: str = Field(min_length=1, max_length=64)
    level: RegionLevel
    parent_code: str | None = Field(default=None, foreign_key="region.code", max_length=6)

    @field_validator("code", "parent_code")
    @classmethod
    def _six_digits(cls, v: str | None) -> str | None:
        if v is not None and not (len(v) == 6 and v.isdigit()):
            raise ValueError("region code must be 6 digits")
        return v


class Region(RegionBase, table=True):
    # Materialised path ("210000/210100/210102/") so "a region and everything below it"
    # is one indexed prefix match in SQL.
    path: str = Field(index=True, max_length=64)


class RegionCreate(RegionBase):
    pass


class DepartmentBase(SQLModel):
    code: str = Field(unique=True, index=True, min_length=1, max_length=32)
    name: str = Field(min_length=1, max_length=128)
    region_code: str = Field(foreign_key="region.code", index=True, max_length=6)
    kind: str = Field(default="other", max_length=32)


class Department(DepartmentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    active: bool = Field(default=True)


class DepartmentCreate(DepartmentBase):
    pass

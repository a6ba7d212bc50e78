"""The register out as OCDS 1.1.5 (with the bids extension): a release package of one process
or of the filtered register, and compiled releases as JSON Lines (Cardinal's input).
Scoped like every read; the frames go through metrics.trading.releases."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta

import polars as pl
from sqlmodel import Session

from core.clock import china_now, utc_midnight
from metrics.trading.releases import build_releases
from models.trading import TradeProcess
from services.platform.scope import Scope
from services.trading import read

EXTENSION = ("https://raw.githubusercontent.com/open-contracting-extensions/ocds_bid_extension/"
             "v1.1.5/extension.json")
PUBLISHER = {"name": "辽宁省公共资源交易监督平台", "scheme": "CN-USCI"}


@dataclass(frozen=True)
class RegisterFilter:
    ocids: tuple[str, ...] = ()
    domain: str | None = None
    method: str | None = None          # method_details (公开招标 …)
    region: str | None = None          # a region code: that region and below (by prefix)
    department_id: int | None = None   # the buyer
    status: str | None = None
    start: date | None = None          # documents issued on or after (China date)
    end: date | None = None            # … and on or before

    def apply(self, procs: pl.DataFrame) -> pl.DataFrame:
        day = (pl.col("tender_start") + pl.duration(hours=8)).dt.date()
        conds = [
            pl.col("ocid").is_in(list(self.ocids)) if self.ocids else None,
            pl.col("domain") == self.domain if self.domain else None,
            pl.col("method_details") == self.method if self.method else None,
            pl.col("region_code").str.starts_with(_prefix(self.region)) if self.region else None,
            pl.col("department_id") == self.department_id if self.department_id else None,
            pl.col("status") == self.status if self.status else None,
            day >= self.start if self.start else None,
            day <= self.end if self.end else None,
        ]
        conds = [c for c in conds if c is not None]
        return procs.filter(*conds) if conds else procs

    def columns(self) -> tuple[str, ...]:
        """The process columns `apply` reads for this filter (a lean read keeps just these)."""
        named = (("ocid", self.ocids), ("domain", self.domain), ("method_details", self.method),
                 ("region_code", self.region), ("department_id", self.department_id),
                 ("status", self.status), ("tender_start", self.start or self.end))
        return ("process_id", "ocid", *(c for c, v in named if v and c != "ocid"))

    def conditions(self) -> list:
        """The same filter as SQL conditions on TradeProcess (every one but the ocids, which
        the readers take as a list), so a narrow filter reads only its processes' rows; `apply`
        then keeps exactly what it selects."""
        p = TradeProcess
        conds = [
            p.domain == self.domain if self.domain else None,
            p.method_details == self.method if self.method else None,
            p.region_code.like(_prefix(self.region) + "%") if self.region else None,
            p.department_id == self.department_id if self.department_id else None,
            p.status == self.status if self.status else None,
            p.tender_start >= utc_midnight(self.start) if self.start else None,
            p.tender_start < utc_midnight(self.end + timedelta(days=1)) if self.end else None,
        ]
        return [c for c in conds if c is not None]


def _prefix(region: str) -> str:
    """210000 → 21, 210100 → 2101, 210102 → 210102: a region and everything below it."""
    if region.endswith("0000"):
        return region[:2]
    return region[:4] if region.endswith("00") else region


def register_frames(*, session: Session, scope: Scope, flt: RegisterFilter) -> dict[str, pl.DataFrame]:
    bind = session.connection()
    where = flt.conditions()
    procs = flt.apply(read.processes(bind, scope, list(flt.ocids) or None, where=where))
    ocids = procs["ocid"].to_list() if flt.ocids or procs.height < 5000 else None
    ids = procs.select("process_id")
    frames = {"tr_processes": procs}
    for name, fn in (("tr_bids", read.bids), ("tr_awards", read.awards),
                     ("tr_contracts", read.contracts), ("tr_items", read.items)):
        frames[name] = fn(bind, scope, ocids, where=where).join(ids, on="process_id", how="semi")
    contract_ids = frames["tr_contracts"].select("contract_id")
    frames["tr_amendments"] = read.amendments(bind, scope, ocids, where=where).join(
        contract_ids, on="contract_id", how="semi")
    usccs = set(frames["tr_bids"]["tenderer_uscc"]) | set(frames["tr_awards"]["supplier_uscc"]) \
        | set(procs["agency_uscc"].drop_nulls())
    frames["tr_parties"] = read.parties(bind, sorted(usccs) if len(usccs) < 5000 else None)
    return frames


def _tags(release: dict) -> list[str]:
    tags = ["tender"]
    if release.get("awards"):
        tags.append("award")
    if release.get("contracts"):
        tags.append("contract")
    return tags


def export_releases(*, session: Session, scope: Scope, flt: RegisterFilter,
                    personal: bool = True) -> list[dict]:
    """Compiled releases of the filtered register."""
    return build_releases(register_frames(session=session, scope=scope, flt=flt), personal=personal)


def export_package(*, session: Session, scope: Scope, flt: RegisterFilter,
                   personal: bool = True) -> dict:
    releases = export_releases(session=session, scope=scope, flt=flt, personal=personal)
    for r in releases:
        r["tag"] = _tags(r)
    now = china_now().isoformat(timespec="seconds")
    return {"uri": f"urn:fivesys:trading:{now}", "version": "1.1", "publishedDate": now,
            "publisher": PUBLISHER, "extensions": [EXTENSION], "releases": releases}


def export_jsonl(*, session: Session, scope: Scope, flt: RegisterFilter) -> str:
    releases = export_releases(session=session, scope=scope, flt=flt)
    return "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n"
                   for r in releases)

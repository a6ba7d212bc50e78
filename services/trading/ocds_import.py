"""OCDS in: release packages, record packages and JSON Lines of releases or compiled releases.

Releases of one ocid are merged into a compiled release with ocdsmerge, given the project's
own merge schema (ocds_merge_schema.json: no network fetch). Each compiled release replaces
the process it names: the process is upserted by ocid and its items, bids, awards, contracts
and amendments are upserted by their OCDS ids, those no longer in the release removed; the
parties it names are upserted by 统一社会信用代码. Chinese status names are mapped to OCDS
codes (有效投标 → valid …). All or nothing: one bad release refuses the file. Re-importing
what was exported changes nothing."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

from core.errors import AppError
from data_checks.kinds.trading import AWARD_STATUS, BID_STATUS, CONTRACT_STATUS, TENDER_STATUS
from metrics.trading.releases import PREFIX
from models.org import Department
from models.trading import (
    METHODS,
    is_valid_uscc,
)
from services.platform import audit

SCHEMA = Path(__file__).with_name("ocds_merge_schema.json")
DETAILS_OF = {"open": "公开招标", "selective": "邀请招标", "limited": "竞争性谈判", "direct": "单一来源"}
CHINESE_DETAILS = ("公开招标", "邀请招标", "竞争性谈判", "竞争性磋商", "询价", "单一来源", "挂牌", "拍卖")


class OcdsImportError(AppError):
    def __str__(self) -> str:
        return f"{self.key}: " + ", ".join(f"{k}={v}" for k, v in self.params.items())


@lru_cache(maxsize=1)
def merger():  # noqa: ANN201
    import ocdsmerge

    return ocdsmerge.Merger(schema=json.loads(SCHEMA.read_text(encoding="utf-8")))


def _code(value: Any, choices: dict[str, tuple[str, ...]], path: str, ocid: str) -> str | None:
    if value is None:
        return None
    for code, names in choices.items():
        if value == code or value in names:
            return code
    raise OcdsImportError("trading.ocds.err_code", ocid=ocid, path=path, value=value)


def compiled_releases(data: Any) -> list[dict]:
    """Whatever the file holds → one compiled release per ocid (in first-seen order)."""
    if isinstance(data, dict) and isinstance(data.get("records"), list):
        out = []
        for rec in data["records"]:
            if isinstance(rec.get("compiledRelease"), dict):
                out.append(rec["compiledRelease"])
            else:
                out.append(merger().create_compiled_release(
                    [r for r in rec.get("releases", []) if isinstance(r, dict) and "ocid" in r]))
        return out
    if isinstance(data, dict) and isinstance(data.get("releases"), list):
        releases = data["releases"]
    elif isinstance(data, list):
        releases = data
    else:
        raise OcdsImportError("trading.ocds.err_shape")
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in releases:
        if not isinstance(r, dict) or not isinstance(r.get("ocid"), str):
            raise OcdsImportError("trading.ocds.err_shape")
        groups[r["ocid"]].append(r)
    out = []
    for group in groups.values():
        if len(group) == 1 and "compiled" in (group[0].get("tag") or []):
            out.append(group[0])
        else:
            out.append(merger().create_compiled_release(sorted(group, key=lambda r: r.get("date", ""))))
    return out


def read_file(path: Path) -> list[dict]:
    text = path.read_text(encoding="utf-8-sig")
    try:
        return compiled_releases(json.loads(text))
    except json.JSONDecodeError:
        pass
    lines = []
    for i, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError:
                raise OcdsImportError("trading.ocds.err_json", line=i) from None
    return compiled_releases(lines)


def import_ocds_file(*, session: Session, actor: str, path: Path) -> dict[str, int]:
    return import_releases(session=session, actor=actor, releases=read_file(path))


def _money(obj: Any, path: str, ocid: str) -> Decimal | None:
    amount = obj.get("amount") if isinstance(obj, dict) else None
    if amount is None:
        return None
    try:
        value = Decimal(str(amount)).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise OcdsImportError("trading.ocds.err_amount", ocid=ocid, path=path, value=amount) from None
    if value < 0 or value >= Decimal("1e12"):
        raise OcdsImportError("trading.ocds.err_amount", ocid=ocid, path=path, value=amount)
    return value


def _time(value: Any, path: str, ocid: str) -> datetime | None:
    if value is None:
        return None
    try:
        t = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise OcdsImportError("trading.ocds.err_date", ocid=ocid, path=path, value=value) from None
    if t.tzinfo is None:
        raise OcdsImportError("trading.ocds.err_date", ocid=ocid, path=path, value=value)
    return t


def _uscc(value: Any, path: str, ocid: str) -> str:
    if not isinstance(value, str) or not is_valid_uscc(value.upper()):
        raise OcdsImportError("trading.ocds.err_uscc", ocid=ocid, path=path, value=value)
    return value.upper()


def import_releases(*, session: Session, actor: str, releases: list[dict]) -> dict[str, int]:
    counts = {"processes_new": 0, "processes_changed": 0, "processes_unchanged": 0, "parties": 0}
    depts = {code: (i, region) for i, code, region in session.execute(
        select(Department.id, Department.code, Department.region_code))}
    for release in releases:
        state = _import_one(session, release, depts, counts)
        counts[f"processes_{state}"] += 1
    audit.record(session, actor=actor, action="trading.ocds_import", entity_type="trade_process",
                 entity_id="*", after=counts)
    return counts


def _import_one(session: Session, r: dict, depts: dict, counts: dict) -> str:
    from services.trading.ocds_rows import apply_release

    ocid = r.get("ocid")
    if not isinstance(ocid, str) or not 1 <= len(ocid) <= 64:
        raise OcdsImportError("trading.ocds.err_shape")
    tender = r.get("tender") or {}
    buyer = (r.get("buyer") or {}).get("id", "")
    dept = depts.get(buyer.removeprefix(PREFIX))
    if dept is None:
        raise OcdsImportError("trading.ocds.err_buyer", ocid=ocid, value=buyer)
    method = tender.get("procurementMethod")
    if method not in METHODS:
        raise OcdsImportError("trading.ocds.err_code", ocid=ocid, path="tender.procurementMethod",
                              value=method)
    details = tender.get("procurementMethodDetails")
    details = details if details in CHINESE_DETAILS else DETAILS_OF[method]
    domain = tender.get("x_tradeDomain") or ("works" if tender.get("mainProcurementCategory") == "works"
                                             else "procurement")
    pe = tender.get("procuringEntity") or {}
    agency = pe.get("id") if pe.get("id") and pe.get("id") != buyer else None
    period = tender.get("tenderPeriod") or {}
    process = {
        "ocid": ocid, "domain": domain, "title": tender.get("title") or ocid,
        "department_id": dept[0], "region_code": dept[1],
        "agency_uscc": _uscc(agency, "tender.procuringEntity.id", ocid) if agency else None,
        "agency_name": pe.get("name") if agency else None,
        "method": method, "method_details": details,
        "award_criteria": tender.get("awardCriteria") or "priceOnly",
        "main_category": tender.get("mainProcurementCategory"),
        "budget": _money(tender.get("value"), "tender.value", ocid) or Decimal("0.00"),
        "max_price": _money(tender.get("x_maxPrice"), "tender.x_maxPrice", ocid),
        "currency": (tender.get("value") or {}).get("currency") or "CNY",
        "tender_start": _time(period.get("startDate"), "tender.tenderPeriod.startDate", ocid),
        "tender_end": _time(period.get("endDate"), "tender.tenderPeriod.endDate", ocid),
        "status": _code(tender.get("status") or "active", TENDER_STATUS, "tender.status", ocid),
        "retender_of": tender.get("x_retenderOf"),
        "published_at": _time(tender.get("x_publishedAt"), "tender.x_publishedAt", ocid),
    }
    parties = []
    for i, p in enumerate(r.get("parties") or []):
        pid = p.get("id", "")
        if pid.startswith(PREFIX):
            continue
        d, addr, cp = p.get("details") or {}, p.get("address") or {}, p.get("contactPoint") or {}
        parties.append({"uscc": _uscc(pid, f"parties[{i}].id", ocid), "name": p.get("name") or pid,
                        "legal_representative": d.get("legalRepresentative"),
                        "address": addr.get("streetAddress"), "telephone": cp.get("telephone"),
                        "controller_uscc": d.get("controllerUscc"), "region_code": d.get("regionCode")})
    bids = [{"bid_no": str(b.get("id")),
             "tenderer_uscc": _uscc(((b.get("tenderers") or [{}])[0]).get("id"),
                                    f"bids.details[{i}].tenderers[0].id", ocid),
             "amount": _money(b.get("value"), f"bids.details[{i}].value", ocid),
             "received_at": _time(b.get("date"), f"bids.details[{i}].date", ocid),
             "status": _code(b.get("status"), BID_STATUS, f"bids.details[{i}].status", ocid) or "pending",
             "bond_account": (b.get("x_bidBond") or {}).get("payerAccount"),
             "bond_payer": (b.get("x_bidBond") or {}).get("payerName"),
             "bond_amount": _money((b.get("x_bidBond") or {}).get("amount"),
                                   f"bids.details[{i}].x_bidBond.amount", ocid),
             "agent_name": b.get("x_agent"), "project_manager": b.get("x_projectManager")}
            for i, b in enumerate((r.get("bids") or {}).get("details") or [])]
    awards = [{"award_no": str(a.get("id")),
               "supplier_uscc": _uscc(((a.get("suppliers") or [{}])[0]).get("id"),
                                      f"awards[{i}].suppliers[0].id", ocid),
               "amount": _money(a.get("value"), f"awards[{i}].value", ocid) or Decimal("0.00"),
               "award_date": _time(a.get("date"), f"awards[{i}].date", ocid),
               "status": _code(a.get("status"), AWARD_STATUS, f"awards[{i}].status", ocid) or "pending"}
              for i, a in enumerate(r.get("awards") or [])]
    supplier_of = {a["award_no"]: a["supplier_uscc"] for a in awards}
    contracts = []
    for i, c in enumerate(r.get("contracts") or []):
        award_no = str(c.get("awardID"))
        if award_no not in supplier_of:
            raise OcdsImportError("trading.ocds.err_award", ocid=ocid, path=f"contracts[{i}].awardID",
                                  value=award_no)
        contracts.append({
            "contract_no": str(c.get("id")), "award_no": award_no, "supplier_uscc": supplier_of[award_no],
            "amount": _money(c.get("value"), f"contracts[{i}].value", ocid) or Decimal("0.00"),
            "date_signed": _time(c.get("dateSigned"), f"contracts[{i}].dateSigned", ocid),
            "status": _code(c.get("status"), CONTRACT_STATUS, f"contracts[{i}].status", ocid) or "pending",
            "amendments": [{"amendment_no": str(m.get("id")),
                            "amended_at": _time(m.get("date"), f"contracts[{i}].amendments[{j}].date", ocid),
                            "amount_after": _money(m.get("x_valueAfter"),
                                                   f"contracts[{i}].amendments[{j}].x_valueAfter", ocid),
                            "rationale": m.get("rationale") or ""}
                           for j, m in enumerate(c.get("amendments") or [])]})
    items = [{"item_no": str(it.get("id")), "description": it.get("description") or "",
              "classification_scheme": (it.get("classification") or {}).get("scheme") or "CPV",
              "classification_id": str((it.get("classification") or {}).get("id") or ""),
              "quantity": Decimal(str(it["quantity"])).quantize(Decimal("0.01"))
              if it.get("quantity") is not None else None,
              "unit": (it.get("unit") or {}).get("name") or ""}
             for it in tender.get("items") or []]
    counts["parties"] += len(parties)
    return apply_release(session, process, parties, items, bids, awards, contracts)

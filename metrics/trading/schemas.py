"""The frames S2 reads (rules, pages, OCDS export): one schema per register table.

Money stays exact as Decimal(14, 2); times are aware UTC (shown in Asia/Shanghai)."""

from __future__ import annotations

import polars as pl

MONEY = pl.Decimal(14, 2)
UTC = pl.Datetime("us", "UTC")

PROCESSES: dict[str, pl.DataType] = {
    "process_id": pl.Int64(), "ocid": pl.String(), "domain": pl.String(), "title": pl.String(),
    "department_id": pl.Int64(), "department_code": pl.String(), "department_name": pl.String(),
    "region_code": pl.String(), "agency_uscc": pl.String(), "agency_name": pl.String(),
    "method": pl.String(), "method_details": pl.String(), "award_criteria": pl.String(),
    "main_category": pl.String(), "budget": MONEY, "max_price": MONEY, "currency": pl.String(),
    "tender_start": UTC, "tender_end": UTC, "status": pl.String(), "retender_of": pl.String(),
    "published_at": UTC,
}
BIDS: dict[str, pl.DataType] = {
    "process_id": pl.Int64(), "bid_no": pl.String(), "tenderer_uscc": pl.String(),
    "amount": MONEY, "received_at": UTC, "status": pl.String(), "bond_account": pl.String(),
    "bond_payer": pl.String(), "bond_amount": MONEY, "agent_name": pl.String(),
    "project_manager": pl.String(),
}
AWARDS: dict[str, pl.DataType] = {
    "process_id": pl.Int64(), "award_no": pl.String(), "supplier_uscc": pl.String(),
    "amount": MONEY, "award_date": UTC, "status": pl.String(),
}
CONTRACTS: dict[str, pl.DataType] = {
    "contract_id": pl.Int64(), "process_id": pl.Int64(), "contract_no": pl.String(),
    "award_no": pl.String(), "supplier_uscc": pl.String(), "amount": MONEY,
    "date_signed": UTC, "status": pl.String(),
}
AMENDMENTS: dict[str, pl.DataType] = {
    "contract_id": pl.Int64(), "amendment_no": pl.String(), "amended_at": UTC,
    "amount_after": MONEY, "rationale": pl.String(),
}
ITEMS: dict[str, pl.DataType] = {
    "process_id": pl.Int64(), "item_no": pl.String(), "description": pl.String(),
    "classification_scheme": pl.String(), "classification_id": pl.String(),
    "quantity": MONEY, "unit": pl.String(),
}
PARTIES: dict[str, pl.DataType] = {
    "uscc": pl.String(), "name": pl.String(), "legal_representative": pl.String(),
    "address": pl.String(), "telephone": pl.String(), "controller_uscc": pl.String(),
    "region_code": pl.String(),
}


def empty(schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return pl.DataFrame(schema=schema)

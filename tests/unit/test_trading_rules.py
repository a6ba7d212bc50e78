"""S2 law rules (TR-*) and Cardinal's yellow lights on hand-built frames, at their thresholds."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import polars as pl
import pytest

from metrics.lights.registry import evaluate
from metrics.trading import schemas as S
from metrics.trading.rules import RULES

RULE = {r.id: r for r in RULES}
T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


def frame(schema, rows):
    full = [{k: r.get(k) for k in schema} for r in rows]
    return pl.DataFrame(full, schema=schema, orient="row") if rows else S.empty(schema)


def proc(pid, **kw):
    base = {"process_id": pid, "ocid": f"ocds-test-{pid}", "domain": "works",
            "title": f"工程{pid}", "department_id": 7, "department_code": "D7",
            "department_name": "某局", "region_code": "210102", "method": "open",
            "method_details": "公开招标", "award_criteria": "priceOnly", "main_category": "works",
            "budget": Decimal("1000000.00"), "max_price": Decimal("1000000.00"), "currency": "CNY",
            "tender_start": T0, "tender_end": T0 + timedelta(days=20), "status": "complete"}
    return base | kw


def bid(pid, no, uscc, amount="900000.00", status="valid", **kw):
    return {"process_id": pid, "bid_no": no, "tenderer_uscc": uscc,
            "amount": Decimal(amount) if amount is not None else None,
            "received_at": T0 + timedelta(days=19), "status": status} | kw


def frames(processes, bids=(), awards=(), contracts=(), amendments=(), parties=(), items=(),
           today=date(2026, 6, 1)):
    return {"tr_processes": frame(S.PROCESSES, list(processes)),
            "tr_bids": frame(S.BIDS, list(bids)), "tr_awards": frame(S.AWARDS, list(awards)),
            "tr_contracts": frame(S.CONTRACTS, list(contracts)),
            "tr_amendments": frame(S.AMENDMENTS, list(amendments)),
            "tr_parties": frame(S.PARTIES, list(parties)), "tr_items": frame(S.ITEMS, list(items)),
            "clock": pl.DataFrame({"today": [today]})}


def fired(rule_id, fr, **params):
    out = evaluate(RULE[rule_id], fr, params)
    return {row["subject_id"]: json.loads(row["facts"]) for row in out.iter_rows(named=True)}


def award(pid, uscc="A", status="active", at=None, amount="900000.00", no="1"):
    return {"process_id": pid, "award_no": no, "supplier_uscc": uscc, "amount": Decimal(amount),
            "award_date": at or T0 + timedelta(days=25), "status": status}


def test_tr_r1_fewer_than_three_bidders_opened_and_awarded():
    fr = frames([proc(1), proc(2), proc(3), proc(4, domain="land", method_details="挂牌")],
                bids=[bid(1, "1", "A"), bid(1, "2", "B"),
                      bid(2, "1", "A"), bid(2, "2", "B"), bid(2, "3", "C"),
                      bid(3, "1", "A"), bid(3, "2", "B"), bid(3, "3", "C", status="withdrawn"),
                      bid(4, "1", "A")],
                awards=[award(1), award(2), award(3), award(4)])
    hit = fired("TR-R1", fr)
    assert set(hit) == {"ocds-test-1", "ocds-test-3"}  # withdrawn does not count; sale exempt
    assert hit["ocds-test-1"]["bidders"] == 2 and hit["ocds-test-1"]["min_bidders"] == 3
    assert set(fired("TR-R1", fr, min_bidders=2)) == set()
    # not awarded: it may be re-tendered, nothing to flag
    assert fired("TR-R1", frames([proc(1)], bids=[bid(1, "1", "A")])) == {}


def test_tr_r2_submission_period_by_method_at_the_boundary():
    start = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 2 March 00:30 in Beijing
    fr = frames([
        proc(1, tender_start=start, tender_end=start + timedelta(days=20)),       # 20 days
        proc(2, tender_start=start, tender_end=start + timedelta(days=19, hours=23)),  # 19 days
        proc(3, method_details="竞争性磋商", tender_start=start,
             tender_end=start + timedelta(days=10)),
        proc(4, method_details="竞争性磋商", tender_start=start,
             tender_end=start + timedelta(days=9)),
        proc(5, method_details="单一来源", tender_start=start, tender_end=start),
    ])
    hit = fired("TR-R2", fr)
    assert set(hit) == {"ocds-test-2", "ocds-test-4"}
    assert hit["ocds-test-2"] | {} == hit["ocds-test-2"]
    assert (hit["ocds-test-2"]["days"], hit["ocds-test-2"]["min_days"]) == (19, 20)
    assert hit["ocds-test-2"]["start_on"] == "2026-03-02"
    assert set(fired("TR-R2", fr, days_open=19, days_consultation=9)) == set()


def test_tr_r3_bond_from_one_account_for_two_tenderers():
    fr = frames([proc(1), proc(2)],
                bids=[bid(1, "1", "A", bond_account="6222 001"), bid(1, "2", "B", bond_account="6222 001"),
                      bid(2, "1", "A", bond_account="6222 001"), bid(2, "2", "A", bond_account="6222 001"),
                      bid(2, "3", "C", bond_account=" ")])
    hit = fired("TR-R3", fr)
    assert list(hit) == ["ocds-test-1"] and hit["ocds-test-1"]["tenderers"] == "A、B"


def party(uscc, rep="", address="", tel="", controller=None, region="210102"):
    return {"uscc": uscc, "name": f"公司{uscc}", "legal_representative": rep, "address": address,
            "telephone": tel, "controller_uscc": controller, "region_code": region}


def test_tr_r4_same_representative_common_or_direct_control():
    fr = frames([proc(1), proc(2), proc(3), proc(4)],
                bids=[bid(1, "1", "A"), bid(1, "2", "B"), bid(2, "1", "C"), bid(2, "2", "D"),
                      bid(3, "1", "P"), bid(3, "2", "E"), bid(4, "1", "A"), bid(4, "2", "E")],
                parties=[party("A", rep="王一"), party("B", rep="王一"),
                         party("C", controller="H"), party("D", controller="H"),
                         party("P"), party("E", rep="赵二", controller="P")])
    hit = fired("TR-R4", fr)
    assert set(hit) == {"ocds-test-1", "ocds-test-2", "ocds-test-3"}
    assert hit["ocds-test-1"]["same_representative"] == "A、B"
    assert hit["ocds-test-2"]["controller"] == "H"
    assert hit["ocds-test-3"]["controls"] == "P→E"


def test_tr_r5_same_agent_or_project_manager_and_tr_y1_same_contact():
    fr = frames([proc(1), proc(2), proc(3)],
                bids=[bid(1, "1", "A", agent_name="李四"), bid(1, "2", "B", agent_name="李四"),
                      bid(2, "1", "A", project_manager="周五"), bid(2, "2", "C", project_manager="周六"),
                      bid(3, "1", "B"), bid(3, "2", "C")],
                parties=[party("A"), party("B", address="沈阳市 青年大街1号", tel="024-1234"),
                         party("C", address="沈阳市青年大街1号", tel="0241234")])
    assert set(fired("TR-R5", fr)) == {"ocds-test-1"}
    hit = fired("TR-Y1", fr)
    assert set(hit) == {"ocds-test-3"} and hit["ocds-test-3"]["telephone_tenderers"] == "B、C"


def test_tr_r6_valid_bid_after_the_deadline():
    end = T0 + timedelta(days=20)
    fr = frames([proc(1), proc(2), proc(3)],
                bids=[bid(1, "1", "A", received_at=end + timedelta(seconds=1)),
                      bid(2, "1", "A", received_at=end),
                      bid(3, "1", "A", status="disqualified", received_at=end + timedelta(hours=1))])
    hit = fired("TR-R6", fr)
    assert list(hit) == ["ocds-test-1"] and hit["ocds-test-1"]["tender_end"] == "2026-03-22 09:00"


def test_tr_r7_valid_bid_above_the_maximum_price_not_for_sales():
    fr = frames([proc(1), proc(2), proc(3, domain="land")],
                bids=[bid(1, "1", "A", amount="1000000.01"), bid(2, "1", "A", amount="1000000.00"),
                      bid(3, "1", "A", amount="2000000.00")])
    hit = fired("TR-R7", fr)
    assert list(hit) == ["ocds-test-1"] and hit["ocds-test-1"]["amount"] == "1000000.01"


def contract(pid, no="1", uscc="A", amount="3500000.00", signed=None, cid=None, status="active"):
    return {"contract_id": cid or pid, "process_id": pid, "contract_no": no, "award_no": "1",
            "supplier_uscc": uscc, "amount": Decimal(amount), "date_signed": signed,
            "status": status}


def test_tr_r8_splitting_below_the_mandatory_threshold_within_the_window():
    d = datetime(2026, 1, 10, 2, tzinfo=UTC)
    fr = frames([proc(1), proc(2), proc(3), proc(4, main_category="services")],
                contracts=[contract(1, amount="3200000.00", signed=d),
                           contract(2, amount="3999999.99", signed=d + timedelta(days=89)),
                           contract(3, amount="4000000.00", signed=d + timedelta(days=10)),
                           contract(4, amount="900000.00", signed=d + timedelta(days=5))])
    hit = fired("TR-R8", fr)
    # 1 and 2: both in [0.8·400万, 400万), 89 days apart (< 90), together ≥ 400万; 3 is at the
    # threshold (tendered), 4 is services (threshold 100万, alone)
    assert list(hit) == ["ocds-test-2"]
    assert hit["ocds-test-2"]["total"] == "7199999.99" and hit["ocds-test-2"]["contracts"] == 2
    assert fired("TR-R8", fr, window_days=89) == {}
    assert fired("TR-R8", fr, low_share=0.81) == {}


def test_tr_r9_contract_more_than_thirty_days_after_award():
    a = datetime(2026, 4, 1, 2, tzinfo=UTC)
    fr = frames([proc(1), proc(2), proc(3)],
                awards=[award(1, at=a), award(2, at=a), award(3, at=a)],
                contracts=[contract(1, signed=a + timedelta(days=30)),
                           contract(2, signed=a + timedelta(days=31))],
                today=date(2026, 5, 1))
    hit = fired("TR-R9", fr)
    assert list(hit) == ["ocds-test-2"] and hit["ocds-test-2"]["days"] == 31
    # unsigned: counted to today; 31 days on 2 May
    fr["clock"] = pl.DataFrame({"today": [date(2026, 5, 2)]})
    assert set(fired("TR-R9", fr)) == {"ocds-test-2", "ocds-test-3"}


def test_tr_r10_amendments_adding_more_than_ten_percent_in_procurement():
    t = datetime(2026, 5, 1, tzinfo=UTC)
    fr = frames([proc(1, domain="procurement"), proc(2, domain="procurement"), proc(3)],
                contracts=[contract(1, amount="1000000.00", cid=11),
                           contract(2, amount="1000000.00", cid=12),
                           contract(3, amount="1000000.00", cid=13)],
                amendments=[{"contract_id": 11, "amendment_no": "1", "amended_at": t,
                             "amount_after": Decimal("1100000.00")},
                            {"contract_id": 12, "amendment_no": "1", "amended_at": t,
                             "amount_after": Decimal("1100000.01")},
                            {"contract_id": 13, "amendment_no": "1", "amended_at": t,
                             "amount_after": Decimal("2000000.00")}])
    hit = fired("TR-R10", fr)
    assert list(hit) == ["ocds-test-2"] and hit["ocds-test-2"]["added"] == "100000.01"


def test_cardinal_rules_as_yellow_lights_lowest_price_off_for_sales():
    fr = frames([proc(1), proc(2, domain="land", method_details="公开招标")],
                bids=[bid(1, "1", "A", amount="100.00", status="disqualified"),
                      bid(1, "2", "B", amount="200.00"),
                      bid(2, "1", "A", amount="100.00", status="disqualified"),
                      bid(2, "2", "B", amount="200.00")],
                awards=[award(1, "B"), award(2, "B")],
                parties=[party("A"), party("B")])
    hit = fired("R036", fr)
    assert list(hit) == ["ocds-test-1"] and hit["ocds-test-1"]["indicator"] == "R036"
    assert RULE["R036"].level == "yellow"
    # R035: all but the winner disqualified, also for the sale (not a price comparison)
    assert set(fired("R035", fr)) == {"ocds-test-1", "ocds-test-2"}
    # R003 with the Chinese method thresholds: 公开招标 needs 20 days
    short = frames([proc(3, tender_end=T0 + timedelta(days=19))])
    assert set(fired("R003", short)) == {"ocds-test-3"}
    assert fired("R003", frames([proc(3)])) == {}


@pytest.mark.parametrize("rule", RULES, ids=lambda r: r.id)
def test_every_rule_runs_on_empty_frames(rule):
    assert evaluate(rule, frames([])).height == 0

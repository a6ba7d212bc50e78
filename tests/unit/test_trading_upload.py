"""A data officer uploads parties, a process, its bids, the award and the contract through the
shared pipeline: Chinese statuses become OCDS codes, money stays exact, times are stored in UTC,
and the process's red light appears. Bad rows are refused naming row and column."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import china_today
from models.db import session_scope
from models.lights import Alert
from models.org import Department
from models.trading import TradeAward, TradeBid, TradeContract, TradeParty, TradeProcess
from models.users import User
from services.lights.queue import drain
from services.platform import ingest
from services.platform.scope import scope_for


def _code(body: str) -> str:
    from models.trading import uscc_check_char
    return body + uscc_check_char(body)


def _officer(engine, username="county_data"):  # noqa: ANN001, ANN202
    with Session(engine) as s:
        user = s.execute(select(User).where(User.username == username)).scalar_one()
        dept = s.get(Department, user.department_id)
        return user, scope_for(user, session=s), dept.code


def _load(engine, kind, content, user, scope):  # noqa: ANN001, ANN202
    with session_scope(engine) as s:
        p = ingest.prepare(kind, f"{kind}.csv", content.encode("utf-8"), session=s,
                           actor=user.username, scope=scope)
    if p.status != "ready":
        return p
    return ingest.commit(engine, p, actor=user.username, scope=scope)


def test_officer_uploads_a_process_with_two_bids_and_its_light_appears(seeded):
    user, scope, dept = _officer(seeded)
    a, b = _code("91210102MA0UPLD01"), _code("91210102MA0UPLD02")
    start = china_today() - timedelta(days=60)
    end, award_on = start + timedelta(days=21), start + timedelta(days=30)
    steps = [
        ("trade_parties", "统一社会信用代码,单位名称,法定代表人,住所,联系电话,所在地区划代码\n"
                          f"{a},沈阳上传甲建设有限公司,甲某,和平区某路1号,024-1,210102\n"
                          f"{b.lower()},沈阳上传乙建设有限公司,乙某,和平区某路2号,024-2,210102\n"),
        ("trade_processes", "项目编号（OCID）,交易类别,项目名称,招标人（采购人）部门代码,交易方式,预算金额,"
                            "最高投标限价,文件发出日期,投标截止日期,投标截止时间,项目状态\n"
                            f"ocds-lnggzy-UP0001,工程建设,上传测试工程,{dept},公开招标,1234567.80,"
                            f"1200000,{start},{end},09:30,已完成\n"),
        ("trade_bids", "项目编号（OCID）,投标序号,投标人信用代码,投标报价,递交日期,递交时间,投标状态\n"
                       f"ocds-lnggzy-UP0001,1,{a},1100000.10,{end},08:00,有效投标\n"
                       f"ocds-lnggzy-UP0001,2,{b},1150000,{end},09:00,否决投标\n"),
        ("trade_awards", "项目编号（OCID）,中标（成交）序号,中标人信用代码,中标金额,中标通知日期,中标状态\n"
                         f"ocds-lnggzy-UP0001,1,{a},1100000.10,{award_on},中标\n"),
        ("trade_contracts", "项目编号（OCID）,合同编号,中标（成交）序号,供应商信用代码,合同金额,签订日期,合同状态\n"
                            f"ocds-lnggzy-UP0001,HT-1,1,{a},1100000.10,{award_on + timedelta(days=5)},已签订\n"),
    ]
    for kind, content in steps:
        result = _load(seeded, kind, content, user, scope)
        assert result.status == "committed", (kind, result.errors)
    drain(seeded)  # the sync worker's turn
    with Session(seeded) as s:
        p = s.execute(select(TradeProcess).where(TradeProcess.ocid == "ocds-lnggzy-UP0001")).scalar_one()
        assert (p.domain, p.method, p.method_details, p.status) == ("works", "open", "公开招标", "complete")
        assert p.budget == Decimal("1234567.80") and p.department_id == user.department_id
        assert p.tender_end.hour == 1 and p.tender_end.minute == 30  # 09:30 in Beijing
        bids = {x.bid_no: x for x in s.execute(select(TradeBid).where(TradeBid.process_id == p.id)).scalars()}
        assert bids["1"].status == "valid" and bids["2"].status == "disqualified"
        assert bids["1"].amount == Decimal("1100000.10") and bids["2"].tenderer_uscc == b
        assert s.execute(select(TradeAward.status).where(TradeAward.process_id == p.id)).scalar_one() == "active"
        assert s.execute(select(TradeContract.amount)
                         .where(TradeContract.process_id == p.id)).scalar_one() == Decimal("1100000.10")
        facts = s.execute(select(Alert.facts).where(Alert.rule_id == "TR-R1",
                                                    Alert.subject_id == "ocds-lnggzy-UP0001")).scalar_one()
    assert json.loads(facts)["bidders"] == 2


def test_bad_rows_are_refused_naming_row_and_column(seeded):
    user, scope, dept = _officer(seeded)
    good = _code("91210102MA0UPLD03")
    bad_digit = good[:17] + ("0" if good[17] != "0" else "1")
    content = ("统一社会信用代码,单位名称\n"
               f"{good},合格公司\n"
               f"{bad_digit},校验位错误公司\n"
               "91210102MA0UPLD,太短公司\n")
    with Session(seeded) as s:
        before = s.execute(select(func.count()).select_from(TradeParty)).scalar_one()
    result = _load(seeded, "trade_parties", content, user, scope)
    assert result.status == "rejected"
    found = sorted(zip(result.errors["row"].to_list(), result.errors["field"].to_list(),
                       result.errors["key"].to_list(), strict=True))
    assert found == [(3, "uscc", "trading.upload.err_uscc"), (4, "uscc", "trading.upload.err_uscc")]
    # a bid for a process of another county is out of the officer's scope
    with Session(seeded) as s:
        other = s.execute(select(TradeProcess.ocid).where(TradeProcess.region_code != "210102")
                          .order_by(TradeProcess.id)).scalars().first()
        tenderer = s.execute(select(TradeParty.uscc).order_by(TradeParty.id)).scalars().first()
    bids = ("项目编号（OCID）,投标序号,投标人信用代码,投标报价,递交日期,投标状态\n"
            f"{other},99,{tenderer},100.00,2026-01-05,有效\n"
            f"{other},98,{tenderer},100.001,2026-01-05,有效投标\n")
    result = _load(seeded, "trade_bids", bids, user, scope)
    assert result.status == "rejected"
    fields = {(r, f) for r, f in zip(result.errors["row"], result.errors["field"], strict=True)}
    assert (3, "amount") in fields and any(f == "ocid" for _, f in fields)
    with Session(seeded) as s:
        assert s.execute(select(func.count()).select_from(TradeParty)).scalar_one() == before

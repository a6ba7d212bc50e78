"""In a real browser: the county data officer uploads a trading process of her department and
its bids (one valid bid above the maximum price); the sync worker raises TR-R7 after the import; the county
supervisor finds the red flag on the register, opens the process with its facts in words, and
from its bids opens the party page of the tenderer behind it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from core.clock import china_today
from models.db import make_engine
from models.lights import Alert
from models.org import Department
from models.trading import TradeParty, TradeProcess
from models.users import User
from tests.e2e.conftest import (
    assert_no_exception,
    click_until,
    login,
    logout,
    main,
    open_menu,
    open_page,
    pick,
    screenshot,
    tr,
    wait_for_idle,
)

pytestmark = pytest.mark.e2e

OCID = "ocds-lnggzy-E2E0001"


def _upload(page, tmp_path, kind_key: str, name: str, content: str, rows: int, stored) -> None:
    open_menu(page, tr("ingest.upload_title"))
    kind = tr(kind_key)
    box = main(page).locator('[data-testid="stSelectbox"]').first
    pick(page, box, kind, lambda: box.locator("input").input_value() == kind)
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    main(page).locator('input[type="file"]').set_input_files(str(path))
    wait_for_idle(page)
    click_until(page, tr("ingest.check_button"), tr("ingest.ready", new=rows, changed=0, unchanged=0),
                 safe_to_repeat=lambda: True)
    click_until(page, tr("ingest.confirm_button"), tr("ingest.committed", new=rows, changed=0, unchanged=0),
                 safe_to_repeat=lambda: not stored())


def test_officer_uploads_bids_supervisor_finds_the_flag_and_the_party(page, private_server, tmp_path):
    base = private_server.url
    engine = make_engine(f"sqlite:///{private_server.db_path}")
    try:
        with Session(engine) as s:
            user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
            dept = s.get(Department, user.department_id)
            a, b, c = s.execute(select(TradeParty.uscc, TradeParty.name).order_by(TradeParty.id)
                                .limit(3)).all()
            # the department's own demo processes are clean: the one red light is the upload's
            demo = s.execute(select(func.count()).select_from(TradeProcess)
                             .where(TradeProcess.department_id == dept.id)).scalar_one()
            assert s.execute(select(func.count()).select_from(Alert).where(
                Alert.system == "S2", Alert.department_id == dept.id)).scalar_one() == 0
        start = china_today() - timedelta(days=40)
        end = start + timedelta(days=21)
        process = ("项目编号（OCID）,交易类别,项目名称,招标人（采购人）部门代码,交易方式,预算金额,最高投标限价,"
                   "文件发出日期,投标截止日期,项目状态\n"
                   f"{OCID},政府采购,浏览器测试采购项目,{dept.code},公开招标,500000,480000,{start},{end},进行中\n")
        bids = ("项目编号（OCID）,投标序号,投标人信用代码,投标报价,递交日期,递交时间,投标状态\n"
                f"{OCID},1,{a.uscc},450000.00,{end},08:00,有效投标\n"
                f"{OCID},2,{b.uscc},495000.50,{end},08:10,有效投标\n"
                f"{OCID},3,{c.uscc},470000.00,{end},08:20,否决投标\n")

        def process_stored() -> bool:
            with Session(engine) as s:
                return s.execute(select(TradeProcess.id).where(TradeProcess.ocid == OCID)).first() is not None

        login(page, base, "county_data")
        _upload(page, tmp_path, "trading.upload.processes", "交易项目.csv", process, 1, process_stored)
        _upload(page, tmp_path, "trading.upload.bids", "投标记录.csv", bids, 3, lambda: False)
        # the lights follow in the server's sync worker; the page says when they are in
        main(page).get_by_text(tr("lights.queue.done")).wait_for(timeout=60_000)
        screenshot(page, tmp_path, "1_bids_committed")
        with Session(engine) as s:
            alert = s.execute(select(Alert).where(Alert.rule_id == "TR-R7", Alert.subject_id == OCID)
                              ).scalar_one()
            assert (alert.level, alert.status, alert.department_id) == ("red", "open", dept.id)
        logout(page)

        # --- the supervisor: the register shows the process with its red light
        login(page, base, "county_supervisor")
        open_page(page, base, f"trading_register?buyer={dept.id}")
        assert_no_exception(page)
        main(page).locator("h1").filter(has_text=tr("trading.register.title")).first.wait_for(timeout=20_000)
        wait_for_idle(page, settle_s=1.0)
        assert tr("trading.register.count", n=demo + 1, red=1, yellow=0) in main(page).inner_text()
        screenshot(page, tmp_path, "2_register")
        # the process page, from the menu, found by its OCID as a supervisor types it
        open_menu(page, tr("trading.nav.process"))
        box = main(page).get_by_label(tr("trading.process.pick"))
        box.fill(OCID)
        box.press("Enter")
        main(page).locator("h3").filter(has_text="浏览器测试采购项目").first.wait_for(timeout=20_000)
        wait_for_idle(page, settle_s=1.0)
        text = main(page).inner_text()
        assert f"TR-R7 {tr('trading.rules.tr_r7.title')}" in text
        assert "报价 495000.50 元，高于最高投标限价 480000.00 元" in text
        screenshot(page, tmp_path, "3_process_flag")
        link = main(page).get_by_text(f"{tr('trading.process.party_link')}：{b.name}")
        link.first.click()
        page.wait_for_timeout(300)
        wait_for_idle(page, settle_s=1.0)
        assert_no_exception(page)
        main(page).locator("h3").filter(has_text=b.name).first.wait_for(timeout=10_000)
        assert f"uscc={b.uscc}" in page.url
        text = main(page).inner_text()
        assert tr("trading.party.network") in text and OCID in text
        screenshot(page, tmp_path, "4_party")
    finally:
        engine.dispose()

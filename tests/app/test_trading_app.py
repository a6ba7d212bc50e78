"""S2 pages as each role sees them, on the demo: register (filters in the URL, scope), process
(flags with facts, bids, party links), party (bids, S4 payments, co-bidders), red-flag
dashboard, public disclosure without login, and the cockpit's trading section."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlmodel import Session

from i18n import translate
from models.esupervision import FundPayment
from models.org import Department
from models.trading import TradeAward, TradeBid, TradeParty, TradeProcess
from models.users import User
from services.trading.seed import planted_ocid
from tests.app.helpers import login, new_app, when_ready


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def _open(at, path: str, **params):  # noqa: ANN001, ANN003, ANN202
    at.switch_page(path)
    for k, v in params.items():
        at.query_params[k] = v
    at.run()
    assert not at.exception, at.exception
    return when_ready(at)  # the dashboard is counted in the background


def _markdown(at) -> str:  # noqa: ANN001
    return "\n".join(m.value for m in at.markdown).replace("\\", "")


def test_register_leader_sees_province_and_url_filters(seeded):
    with Session(seeded) as s:
        total = s.execute(select(func.count()).select_from(TradeProcess)).scalar_one()
        land = s.execute(select(func.count()).select_from(TradeProcess)
                         .where(TradeProcess.domain == "land")).scalar_one()
    at = _open(login("prov_leader"), "pages/trading/register.py")
    assert at.title[0].value == tr("trading.register.title")
    assert at.dataframe[0].value.shape[0] == total
    at = _open(at, "pages/trading/register.py", domain="land")
    table = at.dataframe[0].value
    assert table.shape[0] == land
    assert set(table[tr("trading.col.domain")]) == {tr("trading.domain.land")}
    assert at.query_params["domain"] == ["land"] or at.query_params["domain"] == "land"


def test_register_data_officer_sees_own_department_only(seeded):
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_data")).scalar_one()
        dept = s.get(Department, user.department_id)
        mine = s.execute(select(func.count()).select_from(TradeProcess)
                         .where(TradeProcess.department_id == dept.id)).scalar_one()
    at = _open(login("county_data"), "pages/trading/register.py")
    if mine == 0:
        assert any(tr("trading.register.none") == i.value for i in at.info)
        return
    table = at.dataframe[0].value
    assert table.shape[0] == mine and set(table[tr("trading.col.buyer")]) == {dept.name}


def test_process_page_shows_flags_in_words_bids_and_party_links(seeded):
    ocid = planted_ocid(3)
    at = _open(login("county_supervisor"), "pages/trading/process.py", ocid=ocid)
    assert at.subheader[0].value == "演示项目03"
    text = _markdown(at)
    assert "TR-R3" in text and tr("trading.rules.tr_r3.title") in text
    assert "投标保证金均从账户" in text
    with Session(seeded) as s:
        n_bids = s.execute(select(func.count()).select_from(TradeBid).join(TradeProcess)
                           .where(TradeProcess.ocid == ocid)).scalar_one()
    assert at.dataframe[0].value.shape[0] == n_bids == 3
    assert len(at.get("plotly_chart")) == 1
    links = [p for p in at.get("page_link") if tr("trading.process.party_link") in p.proto.label]
    assert len(links) == 3


def test_process_outside_scope_is_not_found(seeded):
    with Session(seeded) as s:
        other = s.execute(select(TradeProcess.ocid).where(TradeProcess.region_code == "210202")
                          ).scalars().first()
    at = _open(login("county_supervisor"), "pages/trading/process.py", ocid=other)
    assert at.warning[0].value == tr("trading.process.missing")


def test_party_page_bids_payments_and_network(seeded):
    with Session(seeded) as s:
        paid = s.execute(select(TradeParty.uscc).join(FundPayment, FundPayment.recipient_uscc == TradeParty.uscc)
                         .join(TradeBid, TradeBid.tenderer_uscc == TradeParty.uscc)
                         .order_by(TradeParty.uscc)).scalars().first()
        n_bids = s.execute(select(func.count()).select_from(TradeBid)
                           .where(TradeBid.tenderer_uscc == paid)).scalar_one()
        name = s.execute(select(TradeParty.name).where(TradeParty.uscc == paid)).scalar_one()
        wins = s.execute(select(func.count()).select_from(TradeAward).where(
            TradeAward.supplier_uscc == paid, TradeAward.status == "active")).scalar_one()
    at = _open(login("prov_supervisor"), "pages/trading/party.py", uscc=paid)
    assert at.subheader[0].value == name
    heads = [h.value for h in at.subheader]
    assert tr("trading.party.bids", n=n_bids, w=wins) in heads
    assert tr("trading.party.payments") in heads
    frames = [d.value for d in at.dataframe]
    assert any(tr("trading.col.fund") in f.columns and f.shape[0] > 0 for f in frames)
    assert len(at.get("plotly_chart")) == 1
    bad = _open(at, "pages/trading/party.py", uscc="91210102MA0UPLD010")
    assert bad.error[0].value == tr("trading.party.invalid")


def test_dashboard_counts_rules_and_draws_fences(seeded):
    at = _open(login("prov_supervisor"), "pages/trading/dashboard.py")
    by_rule = at.dataframe[0].value
    ids = by_rule[tr("trading.col.rule")].str.split(" ").str[0]  # "TR-R1 <its title>"
    assert {"TR-R1", "TR-R3", "TR-R8", "R036"} <= set(ids)
    assert all(len(r.split(" ", 1)) == 2 for r in by_rule[tr("trading.col.rule")])
    assert set(by_rule[tr("trading.col.level")]) == {tr("lights.level.red"), tr("lights.level.yellow")}
    r1 = by_rule[ids == "TR-R1"]
    assert int(r1[tr("trading.domain.works")].iloc[0]) == 2
    assert len(at.get("plotly_chart")) == 1
    assert any("R024/R058" in c.value for c in at.caption)


def test_dashboard_rates_read_as_percent_cut_down(seeded):
    """Red and lit process rates in percent with one decimal, never rounded up (13 of 18 =
    72.22… % reads 72.2), as numbers so the column sorts; fractions like 0.7222 are gone."""
    at = _open(login("prov_supervisor"), "pages/trading/dashboard.py")
    buyers = at.dataframe[1].value
    red, lit, n = (buyers[tr(f"trading.col.{c}")] for c in ("red_rate", "flag_rate", "processes"))
    first = buyers.iloc[0]
    assert (first[tr("trading.col.buyer")], int(first[tr("trading.col.processes")])) == ("和平区住房和城乡建设局", 18)
    assert (float(first[tr("trading.col.red_rate")]), float(first[tr("trading.col.flag_rate")])) == (72.2, 94.4)
    assert red.between(0, 100).all() and lit.between(0, 100).all() and (n > 0).all()
    assert all(abs(v * 10 - round(v * 10)) < 1e-9 for v in red)  # one decimal


def test_public_disclosure_without_login_has_no_personal_data(seeded):
    at = new_app()
    at = _open(at, "pages/trading/public.py")
    assert at.title[0].value == tr("trading.public.title")
    frames = [d.value for d in at.dataframe]
    assert len(frames) == 4 and frames[0].shape[0] > 0
    columns = {c for f in frames for c in f.columns}
    for personal in ("bond_account", "agent", "project_manager"):
        assert tr(f"trading.col.{personal}") not in columns
    bids = frames[3]
    assert set(bids[tr("trading.col.status")]) <= {tr("trading.bid_status.valid"),
                                                   tr("trading.bid_status.disqualified")}
    with Session(seeded) as s:
        reps = set(s.execute(select(TradeParty.legal_representative)).scalars())
    cells = {str(v) for f in frames for col in f.columns for v in f[col].tolist()}
    assert not (reps - {""}) & cells


def test_cockpit_has_a_trading_section(seeded):
    at = _open(login("prov_leader"), "pages/lights/cockpit.py")
    assert tr("trading.cockpit.title") in [h.value for h in at.subheader]
    labels = [m.label for m in at.metric]
    assert tr("trading.cockpit.red") in labels


def test_trading_light_in_the_centre_links_to_its_process(seeded):
    """Issue 14: from a trading red light in the lights centre to the process behind it."""
    from models.lights import Alert
    ocid = planted_ocid(3)
    with Session(seeded) as s:
        alert = s.execute(select(Alert).where(
            Alert.subject_type == "trading_process", Alert.subject_id == ocid,
            Alert.rule_id == "TR-R3", Alert.status.in_(["open", "acknowledged", "supervising"]))
        ).scalar_one()
    at = _open(login("prov_supervisor"), "pages/lights/centre.py")
    table = next(d for d in at.dataframe if d.key and d.key.startswith("lc_table"))
    row = table.value[tr("lights.col.id")].tolist().index(alert.id)
    at.session_state[table.key] = {"selection": {"rows": [row], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    [link] = [p for p in at.page_link if p.proto.label == tr(
        "lights.detail.open_subject", subject=f"{tr('lights.subject.trading_process')} {ocid}")]
    assert link.proto.page.endswith("trading_process") or "trading/process" in link.proto.page
    assert link.proto.query_string == f"ocid={ocid}"
    # following it opens the process with its flag and bids
    at = _open(at, "pages/trading/process.py", ocid=ocid)
    assert at.subheader[0].value == "演示项目03"
    assert "TR-R3" in _markdown(at) and at.dataframe[0].value.shape[0] == 3

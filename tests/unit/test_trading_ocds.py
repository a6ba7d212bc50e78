"""OCDS out and in: exports validate against the 1.1.5 release schema with the bids extension
(../shared/ocds/, tests only), the round trip changes nothing, releases merge, and the exported
JSON Lines give Cardinal's flags."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import func, select
from sqlmodel import Session, SQLModel

from models.db import session_scope
from models.trading import TradeBid, TradeProcess
from services.platform.scope import ALL
from services.trading.ocds_export import RegisterFilter, export_jsonl, export_package
from services.trading.ocds_import import OcdsImportError, import_releases, read_file
from services.trading.seed import planted_ocid

OCDS = Path(__file__).resolve().parents[3] / "shared" / "ocds"
TABLES = ("trade_party", "trade_process", "trade_item", "trade_bid", "trade_award",
          "trade_contract", "trade_amendment")


def _merge_patch(base, patch):  # noqa: ANN001, ANN202  (RFC 7386, how OCDS applies extensions)
    if not isinstance(patch, dict):
        return patch
    out = dict(base) if isinstance(base, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((OCDS / "release-schema-1.1.5.json").read_text(encoding="utf-8"))
    patch = json.loads((OCDS / "bid-extension-release-schema.json").read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(_merge_patch(schema, patch))


def _snapshot(engine):  # noqa: ANN001, ANN202
    tables = SQLModel.metadata.tables
    with engine.connect() as conn:
        return {t: sorted(tuple(str(v) for k, v in r._mapping.items() if k != "created_at")
                          for r in conn.execute(select(tables[t]))) for t in TABLES}


def test_export_validates_and_round_trip_changes_nothing(seeded, validator):
    with session_scope(seeded) as s:
        package = export_package(session=s, scope=ALL, flt=RegisterFilter(region="210102"))
    assert len(package["releases"]) >= 20 and package["version"] == "1.1"
    for release in package["releases"]:
        errors = sorted(validator.iter_errors(release), key=str)
        assert errors == [], (release["ocid"], [e.message for e in errors[:3]])
    bids = next(r for r in package["releases"] if r["ocid"] == planted_ocid(3))["bids"]["details"]
    assert {b["status"] for b in bids} <= {"valid", "disqualified"} and len(bids) == 3
    before = _snapshot(seeded)
    with session_scope(seeded) as s:
        counts = import_releases(session=s, actor="test", releases=copy.deepcopy(package["releases"]))
    assert counts["processes_unchanged"] == len(package["releases"])
    assert counts["processes_new"] == counts["processes_changed"] == 0
    assert _snapshot(seeded) == before


def test_merge_of_releases_and_chinese_statuses(seeded, tmp_path):
    with session_scope(seeded) as s:
        base = export_package(session=s, scope=ALL, flt=RegisterFilter(ocids=(planted_ocid(1),)))
    r = base["releases"][0]
    tender = {k: v for k, v in r.items() if k not in ("bids", "awards", "contracts")}
    tender |= {"ocid": "ocds-lnggzy-MERGE1", "id": "m-1", "date": "2026-01-01T09:00:00+08:00",
               "tag": ["tender"]}
    tender["tender"] = dict(tender["tender"], status="active")
    award = {"ocid": "ocds-lnggzy-MERGE1", "id": "m-2", "date": "2026-02-01T09:00:00+08:00",
             "tag": ["award"], "initiationType": "tender", "tender": {"status": "complete"},
             "bids": {"details": [dict(b, status="有效投标" if i == 0 else "否决投标")
                                  for i, b in enumerate(r["bids"]["details"])]},
             "awards": [dict(r["awards"][0], status="中标")]}
    path = tmp_path / "releases.jsonl"
    path.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in (award, tender)) + "\n",
                    encoding="utf-8")
    releases = read_file(path)
    assert len(releases) == 1 and releases[0]["tender"]["status"] == "complete"
    with session_scope(seeded) as s:
        assert import_releases(session=s, actor="test", releases=releases)["processes_new"] == 1
    with Session(seeded) as s:
        p = s.execute(select(TradeProcess).where(TradeProcess.ocid == "ocds-lnggzy-MERGE1")).scalar_one()
        statuses = sorted(s.execute(select(TradeBid.status).where(TradeBid.process_id == p.id)).scalars())
    assert p.status == "complete" and statuses == ["disqualified", "valid"]


def test_bad_release_refuses_the_file(seeded):
    with session_scope(seeded) as s:
        base = export_package(session=s, scope=ALL, flt=RegisterFilter(ocids=(planted_ocid(5),)))
        before = s.execute(select(func.count()).select_from(TradeProcess)).scalar_one()
    good = dict(base["releases"][0], ocid="ocds-lnggzy-NEW1")
    bad = copy.deepcopy(good) | {"ocid": "ocds-lnggzy-NEW2"}
    bad["bids"]["details"][0]["tenderers"][0]["id"] = "91210102MA0UPLD011"
    with pytest.raises(OcdsImportError) as err, session_scope(seeded) as s:
        import_releases(session=s, actor="test", releases=[good, bad])
    assert err.value.key == "trading.ocds.err_uscc"
    assert err.value.params["path"] == "bids.details[0].tenderers[0].id"
    with Session(seeded) as s:
        assert s.execute(select(func.count()).select_from(TradeProcess)).scalar_one() == before


def test_exported_jsonl_validates_and_gives_cardinal_flags(seeded, tmp_path, validator):
    from services.trading.commands import cardinal_output

    with session_scope(seeded) as s:
        text = export_jsonl(session=s, scope=ALL, flt=RegisterFilter(region="210102"))
    for line in text.splitlines():
        release = json.loads(line)
        assert release["tag"] == ["compiled"] and list(validator.iter_errors(release)) == []
    path = tmp_path / "compiled.jsonl"
    path.write_text(text, encoding="utf-8")
    out = cardinal_output(path, "no_price_comparison_procurement_methods = 挂牌|拍卖\n[R036]\n[R035]\n[R030]\n")
    flagged = {code: {o for o, v in out["OCID"].items() if code in v} for code in ("R030", "R035", "R036")}
    assert flagged == {"R030": {planted_ocid(25)}, "R035": {planted_ocid(22)}, "R036": {planted_ocid(21)}}

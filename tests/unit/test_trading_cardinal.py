"""Cardinal's indicators on hand-written compiled releases, at their thresholds (cases written
from ../shared/trading/red-flags.md, which restates Cardinal's code)."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metrics.trading.cardinal import run
from metrics.trading.cardinal_settings import SettingsError, parse_settings
from metrics.trading.cardinal_stats import lower_fence, mul_add, quantile, rust_round4, upper_fence


def bid(tid, amount=None, status="valid", currency="CNY", date=None, tenderers=None):
    b = {"id": f"b-{tid}-{amount}", "status": status,
         "tenderers": tenderers if tenderers is not None else [{"id": tid}]}
    if amount is not None:
        b["value"] = {"amount": amount, "currency": currency}
    if date is not None:
        b["date"] = date
    return b


def rel(ocid, *, bids=None, awards=None, tender=None, buyer=None, parties=None):
    r = {"ocid": ocid, "tender": dict(tender or {})}
    if bids is not None:
        r["bids"] = {"details": bids}
    if awards is not None:
        r["awards"] = awards
    if buyer is not None:
        r["buyer"] = {"id": buyer}
    if parties is not None:
        r["parties"] = parties
    return r


def award(supplier, status="active", items=None):
    a = {"id": f"a-{supplier}", "status": status, "suppliers": [{"id": supplier}]}
    if items is not None:
        a["items"] = [{"id": str(i), "classification": {"scheme": "CPV", "id": c}}
                      for i, c in enumerate(items)]
    return a


def flags(releases, ini, meta=False):
    return run(releases, parse_settings(ini), meta=meta)


# ---- arithmetic ------------------------------------------------------------------------

@pytest.mark.parametrize("values", [[1.0], [3.0, 1.0], [0.1, 0.2, 0.3, 0.7],
                                    [5.0, 1.0, 2.0, 2.0, 9.0, 0.5, 7.25]])
@pytest.mark.parametrize("tau", [0.0, 0.25, 0.5, 0.75, 0.9, 1.0])
def test_quantile_is_type_8(values, tau):
    assert quantile(values, tau) == pytest.approx(
        float(np.quantile(values, tau, method="median_unbiased")), abs=1e-12)


def test_quantile_exact_figures_and_empty():
    # n=5, τ=0.25: h = (5+1/3)·0.25 + 1/3 = 5/3 → x1 + 2/3·(x2−x1)
    assert quantile([0.0, 3.0, 6.0, 9.0, 12.0], 0.25) == pytest.approx(2.0)
    assert quantile([0.0, 3.0, 6.0, 9.0, 12.0], 0.75) == pytest.approx(10.0)
    assert np.isnan(quantile([], 0.25))


def test_fences_use_one_rounding():
    # 0.1·3 + 0.3 rounds twice to 0.6000000000000001; fused it is exactly 0.6
    assert 0.1 * 3.0 + 0.3 != 0.6 and mul_add(0.1, 3.0, 0.3) == 0.6
    assert lower_fence(2.0, 10.0) == -10.0 and upper_fence(2.0, 10.0) == 22.0


def test_meta_rounds_half_away_from_zero():
    assert rust_round4(0.00125) == 0.0013 or rust_round4(0.00125) == 0.0012  # float noise
    assert rust_round4(0.5 / 10_000) == 0.0001  # exactly half: away from zero
    assert rust_round4(-0.5 / 10_000) == -0.0001
    assert rust_round4(float("nan")) is None


# ---- settings and line filter ---------------------------------------------------------

def test_indicator_runs_only_with_its_section():
    r = rel("o1", tender={"numberOfTenderers": 1, "procurementMethod": "open"})
    assert flags([r], "") == {}
    assert flags([r], "[R018]\n") == {"OCID": {"o1": {"R018": 1.0}}}
    assert run([r], parse_settings("")) == {"Meta": {}}


def test_settings_errors_and_pipe_lists():
    with pytest.raises(SettingsError):
        parse_settings("[R999]\n")
    with pytest.raises(SettingsError):
        parse_settings("[R024]\nthreshold = lots\n")
    s = parse_settings("no_price_comparison_procurement_methods = 挂牌|拍卖|\n[R028]\n")
    assert s.no_price_comparison == {"挂牌", "拍卖"}


def test_skips_cancelled_excluded_and_non_objects():
    base = {"numberOfTenderers": 1, "procurementMethod": "open"}
    lines = [rel("a", tender=base | {"status": "cancelled"}),
             rel("b", tender=base | {"procurementMethodDetails": "单一来源"}),
             rel("c", tender=base), ["not", "an", "object"], {"ocid": 7, "tender": base}]
    ini = "[exclusions]\nprocurement_method_details = 单一来源\n[R018]\n"
    assert flags(lines, ini) == {"OCID": {"c": {"R018": 1.0}}}


# ---- per-process indicators -------------------------------------------------------------

def _period(start, end):
    return {"tenderPeriod": {"startDate": start, "endDate": end}, "procurementMethod": "open"}


def test_r003_threshold_truncation_and_method_details():
    cases = [
        rel("d14", tender=_period("2026-01-01T09:00:00+08:00", "2026-01-15T09:00:00+08:00")),
        rel("d15", tender=_period("2026-01-01T09:00:00+08:00", "2026-01-16T09:00:00+08:00")),
        # 14 days 23 hours: whole days truncated → 14 < 15
        rel("d14h23", tender=_period("2026-01-01T00:00:00Z", "2026-01-15T23:00:00Z")),
        rel("bad", tender=_period("2026-01-01", "2026-01-05")),  # not RFC 3339
        rel("cn19", tender=_period("2026-01-01T00:00:00Z", "2026-01-20T00:00:00Z")
            | {"procurementMethodDetails": "公开招标"}),
        rel("cn20", tender=_period("2026-01-01T00:00:00Z", "2026-01-21T00:00:00Z")
            | {"procurementMethodDetails": "公开招标"}),
    ]
    ini = "[R003]\n[R003.procurement_method_details]\n公开招标 = 20\n"
    assert flags(cases, ini) == {"OCID": {"d14": {"R003": 1.0}, "d14h23": {"R003": 1.0},
                                          "cn19": {"R003": 1.0}}}
    # a procurement_methods filter drops a process without procurementMethod
    no_method = rel("x", tender={"tenderPeriod": cases[0]["tender"]["tenderPeriod"]})
    assert flags([no_method], "[R003]\nprocurement_methods = open\n") == {}
    assert flags([no_method], "[R003]\n") == {"OCID": {"x": {"R003": 1.0}}}


def test_r018_only_integer_one_in_open_or_selective():
    lines = [rel(o, tender={"numberOfTenderers": n, "procurementMethod": m})
             for o, n, m in (("one", 1, "open"), ("sel", 1, "selective"), ("two", 2, "open"),
                             ("neg", -1, "open"), ("float", 1.0, "open"),
                             ("direct", 1, "direct"))]
    assert flags(lines, "[R018]\n") == {"OCID": {"one": {"R018": 1.0}, "sel": {"R018": 1.0}}}


def test_r028_identical_prices_of_different_tenderers():
    lines = [
        rel("same", bids=[bid("A", 100), bid("B", 100.0), bid("C", 101)]),
        rel("own", bids=[bid("A", 100), bid("A", 100)]),               # same set: allowed
        rel("sets", bids=[bid("x", 5, tenderers=[{"id": "A"}, {"id": "Z"}]),
                          bid("x", 5, tenderers=[{"id": "Z"}, {"id": "A"}])]),
        rel("cur", bids=[bid("A", 100, currency="USD"), bid("B", 100)]),
        rel("wd", bids=[bid("A", 100), bid("B", 100, status="withdrawn")]),
    ]
    out = flags(lines, "[R028]\n")
    assert out == {"OCID": {"same": {"R028": 1.0}}, "Tenderer": {"A": {"R028": 1.0},
                                                                   "B": {"R028": 1.0}}}


def test_r030_valid_late_bid_of_the_winner():
    t = {"tenderPeriod": {"endDate": "2026-03-01T10:00:00+08:00"}}
    late = "2026-03-01T10:00:01+08:00"
    lines = [
        rel("won", tender=t, bids=[bid("A", 1, date=late)], awards=[award("A")]),
        rel("lost", tender=t, bids=[bid("B", 1, date=late)], awards=[award("A")]),
        rel("pending", tender=t, bids=[bid("A", 1, date=late)], awards=[award("A", "pending")]),
        rel("ontime", tender=t, bids=[bid("A", 1, date="2026-03-01T10:00:00+08:00")],
            awards=[award("A")]),
        rel("disq", tender=t, bids=[bid("A", 1, "disqualified", date=late)], awards=[award("A")]),
    ]
    assert flags(lines, "[R030]\n") == {"OCID": {"won": {"R030": 1.0}},
                                        "Tenderer": {"A": {"R030": 1.0}}}


def test_r035_all_but_the_winner_disqualified():
    lines = [
        rel("flag", bids=[bid("W", 10), bid("X", 9, "disqualified"), bid("Y", 8, "disqualified")],
            awards=[award("W")]),
        rel("two_valid", bids=[bid("W", 10), bid("V", 11), bid("X", 9, "disqualified")],
            awards=[award("W")]),
        rel("pending", bids=[bid("W", 10), bid("X", 9, "disqualified")],
            awards=[award("W", "pending")]),
    ]
    assert flags(lines, "[R035]\n") == {"OCID": {"flag": {"R035": 2.0}},
                                        "Tenderer": {"W": {"R035": 0.0}}}
    assert flags(lines, "[R035]\nthreshold = 3\n") == {}
    assert flags(lines, "[R035]\nthreshold = 0\n")["OCID"] == {"flag": {"R035": 2.0}}


def test_r036_lowest_bid_disqualified():
    lines = [
        rel("flag", bids=[bid("X", 90, "disqualified"), bid("W", 100)], awards=[award("W")]),
        rel("tie_first", bids=[bid("W", 90), bid("X", 90, "disqualified")], awards=[award("W")]),
        rel("no_active", bids=[bid("X", 90, "disqualified"), bid("W", 100)],
            awards=[award("W", "pending")]),
        rel("no_valid", bids=[bid("X", 90, "disqualified"), bid("W", 100, "pending")],
            awards=[award("W")]),
        rel("sale", tender={"procurementMethodDetails": "拍卖"},
            bids=[bid("X", 90, "disqualified"), bid("W", 100)], awards=[award("W")]),
    ]
    ini = "no_price_comparison_procurement_methods = 挂牌|拍卖\n[R036]\n"
    assert flags(lines, ini) == {"OCID": {"flag": {"R036": 1.0}}}


def test_r044_same_address_or_first_common_contact_field():
    def party(pid, street=None, cp=None, roles=("tenderer",)):
        p = {"id": pid, "roles": list(roles)}
        if street is not None:
            p["address"] = {"streetAddress": street, "locality": "沈阳市"}
        if cp is not None:
            p["contactPoint"] = cp
        return p
    lines = [
        rel("addr", parties=[party("A", " 青年大街1号 "), party("B", "青年大街1号")]),
        # the first field set on both (name) decides: names differ, so no match
        rel("cp", parties=[party("A", cp={"name": "张", "telephone": "1"}),
                           party("B", cp={"name": "李", "telephone": "1"})]),
        rel("tel", parties=[party("A", cp={"telephone": "024-1"}),
                            party("B", cp={"telephone": "024-1"})]),
        rel("buyer", parties=[party("A", "路1号"), party("B", "路1号", roles=("buyer",))]),
    ]
    out = flags(lines, "[R044]\n")
    assert out == {"OCID": {"addr": {"R044": 1.0}, "tel": {"R044": 1.0}},
                   "Tenderer": {"A": {"R044": 1.0}, "B": {"R044": 1.0}}}


def _r044_pairwise(releases):
    """Cardinal's own loop (r044.rs): every ordered pair of tenderers, address key or the
    first contact field both give as text; kept here to check the grouped implementation."""
    from metrics.trading.cardinal_collusion import _address_key, _same_contact
    out: dict = {}
    for r in releases:
        ts = {p["id"]: (_address_key(p), p.get("contactPoint")) for p in r["parties"]
              if isinstance(p.get("roles"), list) and "tenderer" in p["roles"]
              and isinstance(p.get("id"), str)}
        for a, (addr_a, cp_a) in ts.items():
            for b, (addr_b, cp_b) in ts.items():
                if a != b and ((addr_a is not None and addr_a == addr_b) or _same_contact(cp_b, cp_a)):
                    out.setdefault("OCID", {})[r["ocid"]] = {"R044": 1.0}
                    out.setdefault("Tenderer", {})[a] = {"R044": 1.0}
    return out


def test_r044_grouping_equals_cardinal_pairwise_loop():
    rng = np.random.default_rng(44)
    fields = ("name", "email", "telephone", "faxNumber", "url")
    releases = []
    for i in range(400):
        parties = []
        for j in range(int(rng.integers(0, 6))):
            p = {"id": f"T{int(rng.integers(0, 12))}" if j else 7,
                 "roles": ["tenderer"] if rng.random() < 0.85 else ["supplier"]}
            if rng.random() < 0.5:
                p["address"] = {"streetAddress": ["路1号", " 路1号", None][int(rng.integers(0, 3))],
                                "locality": "沈阳市"} if rng.random() < 0.8 else {"locality": "沈阳市"}
            if rng.random() < 0.7:
                # the same shape in most releases (one grouped field), mixed shapes in others
                shape = fields[2:3] if i % 3 else [f for f in fields if rng.random() < 0.4]
                p["contactPoint"] = {f: [str(int(rng.integers(0, 3))), 5, None][int(rng.integers(0, 3))
                                        if i % 5 == 0 else 0] for f in shape}
            parties.append(p)
        releases.append(rel(f"o{i}", parties=parties))
    expected = _r044_pairwise(releases)
    assert len(expected["OCID"]) == 53 and len(expected["Tenderer"]) == 12
    assert flags(releases, "[R044]\n") == expected


# ---- fences over the file -------------------------------------------------------------------

def _ratio_release(ocid, winner_amount, second_amount, details=None):
    tender = {"procurementMethodDetails": details} if details else {}
    return rel(ocid, tender=tender, bids=[bid("W" + ocid, winner_amount), bid("L" + ocid, second_amount)],
               awards=[award("W" + ocid)])


def test_r024_and_r058_fences_on_second_lowest_ratio():
    # ratios 0.02, 0.10, 0.11, 0.12, 0.13, 0.14, 0.15, 0.90 (n=8)
    seconds = [102, 110, 111, 112, 113, 114, 115, 190]
    lines = [_ratio_release(f"p{i}", 100, s) for i, s in enumerate(seconds)]
    lines.append(_ratio_release("sale", 100, 101, details="拍卖"))  # highest-bid sale: off
    ratios = [(s - 100) / 100 for s in seconds]
    q1 = quantile(ratios, 0.25)
    q3 = quantile(ratios, 0.75)
    # type 8, n=8: h(0.25) = 2.4167 → 0.10 + 0.4167·0.01; h(0.75) = 6.5833 → 0.14 + 0.5833·0.01
    assert q1 == pytest.approx(0.1041666667) and q3 == pytest.approx(0.1458333333)
    ini = "no_price_comparison_procurement_methods = 挂牌|拍卖\n[R024]\n[R058]\n"
    out = flags(lines, ini, meta=True)
    assert out["OCID"] == {"p0": {"R024": 0.02}, "p7": {"R058": 0.9}}
    assert out["Tenderer"] == {"Wp0": {"R024": 0.0}, "Lp0": {"R024": 0.0}, "Wp7": {"R058": 0.0}}
    assert out["Meta"]["R024"] == {"q1": 0.1042, "q3": 0.1458, "lower_fence": 0.0417}
    assert out["Meta"]["R058"] == {"q1": 0.1042, "q3": 0.1458, "upper_fence": 0.2083}
    # a threshold replaces the fence: ratio ≤ 0.10 flags (0.02 and 0.10), 0.11 does not
    out = flags(lines, ini.replace("[R024]\n", "[R024]\nthreshold = 0.1\n"), meta=True)
    assert set(out["OCID"]) == {"p0", "p1", "p7"} and out["Meta"]["R024"] == {"lower_fence": 0.1}


def test_ratio_needs_final_awards_one_supplier_and_lowest_winner():
    lines = [
        rel("pending", bids=[bid("W", 100), bid("L", 101)],
            awards=[award("W"), award("W", "pending")]),
        rel("not_lowest", bids=[bid("W", 100), bid("L", 99)], awards=[award("W")]),
        rel("two_active", bids=[bid("W", 100), bid("L", 101)], awards=[award("W"), award("L")]),
    ]
    out = flags(lines, "[R024]\nthreshold = 0.5\n", meta=True)
    assert "OCID" not in out


def test_r025_unsuccessful_tenderer_fence():
    # L loses 4 processes, W wins 4, D wins 2 of 4, E wins 3 of 4; a 1-process tenderer F wins 1
    lines = []
    for i in range(4):
        lines.append(rel(f"a{i}", bids=[bid("W", 1), bid("L", 2)], awards=[award("W")]))
        lines.append(rel(f"b{i}", bids=[bid("D", 1), bid("E", 2)],
                         awards=[award("D" if i < 2 else "E")]))
    lines.append(rel("c", bids=[bid("E", 1)], awards=[award("E")]))  # E: 3 wins of 5
    lines.append(rel("f", bids=[bid("F", 1)], awards=[award("F")]))
    out = flags(lines, "[R025]\nthreshold = 0.25\n", meta=True)
    # ratios: W 1.0 (4), L 0.0 (4), D 0.5 (4), E 0.6 (5), F 1.0 (1); percentile 75 of
    # [4,4,4,5,1] = 4.3333 → only E (5 processes) is frequent enough, and 0.6 > 0.25
    assert out.get("Tenderer") is None
    out = flags(lines, "[R025]\nthreshold = 0.25\npercentile = 50\n", meta=True)
    assert out["Tenderer"] == {"L": {"R025": 0.0}}
    assert out["Meta"]["R025"] == {"upper_fence": 4.0, "lower_fence": 0.25}


def test_r038_disqualified_share_per_group():
    lines = []
    for i in range(3):
        lines.append(rel(f"x{i}", buyer="B1", tender={"procuringEntity": {"id": "P1"}},
                         bids=[bid("A", 1), bid("Q", 2, "disqualified")]))
    lines.append(rel("y", buyer="B2", bids=[bid("A", 1), bid("C", 2)]))
    lines.append(rel("z", buyer="B3", bids=[bid("C", 1)]))  # B3: 1 submitted bid < minimum 2
    out = flags(lines, "[R038]\nthreshold = 0.5\n")
    assert out == {"Buyer": {"B1": {"R038": 0.5}}, "ProcuringEntity": {"P1": {"R038": 0.5}},
                   "Tenderer": {"Q": {"R038": 1.0}}}
    assert flags(lines, "[R038]\nthreshold = 0.51\n") == {"Tenderer": {"Q": {"R038": 1.0}}}


def test_r048_heterogeneous_supplier():
    lines = []
    for i in range(3):
        lines.append(rel(f"h{i}", awards=[award("H", items=[f"{10 + i}000", f"{20 + i}000"])]))
        lines.append(rel(f"s{i}", awards=[award("S", items=["45000000"])]))
    out = flags(lines, "[R048]\nminimum_contracting_processes = 3\nthreshold = 6\n", meta=True)
    assert out["Tenderer"] == {"H": {"R048": 6.0}}
    assert flags(lines, "[R048]\nminimum_contracting_processes = 3\nthreshold = 7\n") == {}
    assert flags(lines, "[R048]\nminimum_contracting_processes = 4\nthreshold = 1\n") == {}


def test_trading_flags_command_prints_cardinal_json(tmp_path, capsys):
    import manage

    lines = [json.dumps(rel("o1", tender={"numberOfTenderers": 1, "procurementMethod": "open"})),
             "", "{not json", json.dumps(rel("o2", tender={"numberOfTenderers": 3}))]
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ini = tmp_path / "s.ini"
    ini.write_text("[R018]\n[R024]\n", encoding="utf-8")
    assert manage.main(["trading-flags", "--settings", str(ini), str(data)]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == {"OCID": {"o1": {"R018": 1.0}},
                               "Meta": {"R024": {"q1": None, "q3": None, "lower_fence": None}}}
    assert "Line 3 is invalid JSON" in err

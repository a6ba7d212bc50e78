"""The lights engine's Cardinal (polars, on the register frames) agrees value for value with
Cardinal's computation on the compiled releases the export builds from the same frames."""

from __future__ import annotations

import gc

import pytest

from metrics.trading.cardinal import run
from metrics.trading.cardinal_frames import run_frames
from metrics.trading.cardinal_settings import parse_settings
from metrics.trading.releases import build_releases
from metrics.trading.rules import RULES
from services.lights.inputs import load_inputs
from services.trading import read

ALL = ("[R003]\n[R003.procurement_method_details]\n公开招标 = 20\n竞争性磋商 = 10\n[R018]\n[R024]\n"
       "[R025]\npercentile = 50\n[R028]\n[R030]\n[R035]\n[R036]\n[R038]\n[R044]\n[R048]\n"
       "minimum_contracting_processes = 2\n[R058]\n")


@pytest.mark.parametrize("prefix", ["", "no_price_comparison_procurement_methods = 挂牌|拍卖\n",
                                    "price_comparison_procurement_methods = 公开招标\n"
                                    "[exclusions]\nprocurement_method_details = 询价\n"])
def test_frames_engine_equals_cardinal_on_the_releases(seeded, prefix):
    frames = load_inputs(seeded, {n for r in RULES for n in r.inputs})
    settings = parse_settings(prefix + ALL)
    # the export's releases need every column; the rules' loaders read only what they use
    full = frames | {"tr_processes": read.processes(seeded, None), "tr_bids": read.bids(seeded, None)}
    expected = run(build_releases(full), settings)
    got = run_frames(frames, settings)
    assert set(got) == set(expected)
    for group in expected:
        assert got[group] == expected[group], group
    assert len(expected["OCID"]) > 20 and "Tenderer" in expected and "Buyer" in expected


def test_the_rules_share_one_preparation_with_the_same_alerts(seeded):
    """The twelve Cardinal rules on the same frames share one preparation (and R024/R058 one
    ratio computation); each rule on frames of its own (fresh objects: nothing to share) gives
    the same alerts, with a parameter of one rule changing only that rule."""
    from metrics.lights.registry import evaluate
    from metrics.trading import cardinal_frames, rules_cardinal
    from metrics.trading.rules_cardinal import CARDINAL_RULES

    frames = load_inputs(seeded, {n for r in RULES for n in r.inputs})
    before, no_sales = len(cardinal_frames._PREPS), len(rules_cardinal._NO_SALES)
    params = {"R035": {"threshold": 2}, "R048": {"minimum_contracting_processes": 2}}
    shared = {r.id: evaluate(r, frames, params.get(r.id)) for r in CARDINAL_RULES}
    assert len(cardinal_frames._PREPS) == before + 2  # all processes; without sales by bid
    alone = {r.id: evaluate(r, {k: v.clone() for k, v in frames.items()}, params.get(r.id))
             for r in CARDINAL_RULES}
    assert list(shared) == [r.id for r in CARDINAL_RULES]
    for code, got in shared.items():
        assert got.equals(alone[code]), code
    # R058's 15 = numpy's type-8 fence over the demo's 297 price-only ratios (upper 0.1038),
    # counted by hand; the demo is the same every day (its funds draw from their own stream)
    assert {c: f.height for c, f in shared.items()} == {
        "R003": 1, "R018": 1, "R024": 0, "R025": 0, "R028": 1, "R030": 1, "R035": 1, "R036": 1,
        "R038": 2, "R044": 1, "R048": 3, "R058": 15}
    r048 = next(r for r in CARDINAL_RULES if r.id == "R048")
    assert evaluate(r048, frames).height == 0  # its default minimum (20): the 3 come from its own setting
    del frames  # the preparations go with the frames they were made from
    gc.collect()
    assert (len(cardinal_frames._PREPS), len(rules_cardinal._NO_SALES)) == (before, no_sales)

"""The lights engine's Cardinal (polars, on the register frames) agrees value for value with
Cardinal's computation on the compiled releases the export builds from the same frames."""

from __future__ import annotations

import pytest

from metrics.trading.cardinal import run
from metrics.trading.cardinal_frames import run_frames
from metrics.trading.cardinal_settings import parse_settings
from metrics.trading.releases import build_releases
from metrics.trading.rules import RULES
from services.lights.inputs import load_inputs

ALL = ("[R003]\n[R003.procurement_method_details]\n公开招标 = 20\n竞争性磋商 = 10\n[R018]\n[R024]\n"
       "[R025]\npercentile = 50\n[R028]\n[R030]\n[R035]\n[R036]\n[R038]\n[R044]\n[R048]\n"
       "minimum_contracting_processes = 2\n[R058]\n")


@pytest.mark.parametrize("prefix", ["", "no_price_comparison_procurement_methods = 挂牌|拍卖\n",
                                    "price_comparison_procurement_methods = 公开招标\n"
                                    "[exclusions]\nprocurement_method_details = 询价\n"])
def test_frames_engine_equals_cardinal_on_the_releases(seeded, prefix):
    frames = load_inputs(seeded, {n for r in RULES for n in r.inputs})
    settings = parse_settings(prefix + ALL)
    expected = run(build_releases(frames), settings)
    got = run_frames(frames, settings)
    assert set(got) == set(expected)
    for group in expected:
        assert got[group] == expected[group], group
    assert len(expected["OCID"]) > 20 and "Tenderer" in expected and "Buyer" in expected

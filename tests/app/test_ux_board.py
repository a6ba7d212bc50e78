"""Issue 16: the cockpit's board has contrast. A region is coloured by its departments' lights
score (red 1, yellow 0.5, over all departments) with a legend, not by its worst department;
its tile links to the lights centre filtered on it."""

from __future__ import annotations

import polars as pl

from i18n import translate
from tests.app.helpers import login, open_page
from ui.lights.cockpit import board_figure, region_scores


def _regions() -> pl.DataFrame:
    return pl.DataFrame({
        "code": ["210000", "210100", "210200"], "name": ["辽宁省", "沈阳市", "大连市"],
        "level": ["province", "city", "city"], "parent_code": [None, "210000", "210000"],
        "path": ["210000", "210000/210100", "210000/210200"],
        "red": [7, 1, 6], "yellow": [2, 0, 2], "green": [11, 9, 2],
        "open_red": [9, 1, 8], "open_yellow": [3, 0, 3], "light": ["red", "red", "red"]})


def test_one_red_department_does_not_turn_its_city_red():
    scored = region_scores(_regions())
    assert scored["score"].to_list() == [0.4, 0.1, 0.7]
    assert scored["lit_share"].to_list() == [0.45, 0.1, 0.8]
    assert scored["index"].to_list() == [40, 10, 70]
    assert scored["band"].to_list() == ["red", "green", "red"]
    fig = board_figure(_regions())
    tm = fig.data[0]
    assert list(tm.marker.colors) == [0.4, 0.1, 0.7]
    assert (tm.marker.cmin, tm.marker.cmax, tm.marker.showscale) == (0, 1, True)
    assert tm.marker.colorbar.title.text == translate("lights.cockpit.score_legend", "zh_CN")
    assert list(tm.labels) == ["辽宁省<br>40", "沈阳市<br>10", "大连市<br>70"]
    assert list(tm.parents) == ["", "210000", "210000"]


def test_cockpit_tiles_link_each_city_to_its_open_alerts(seeded):
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    tiles = [p for p in at.page_link if "region=" in p.proto.query_string]
    assert len(tiles) == 14  # the province's cities
    assert all(p.proto.query_string.endswith("status=open%2Cacknowledged%2Csupervising") for p in tiles)
    spec = next(c.proto.spec for c in at.get("plotly_chart") if '"treemap"' in c.proto.spec)
    assert '"showscale":true' in spec.replace(" ", "")


def _one_city(red: int, yellow: int, green: int) -> dict:
    row = region_scores(pl.DataFrame({"red": [red], "yellow": [yellow], "green": [green]}))
    return {k: row[k][0] for k in ("index", "band")}


def test_a_cities_word_follows_its_index_at_the_band_edges():
    """Green up to 12, yellow 13–37, red from 38; the index rounds half up exactly (12.5 → 13)."""
    assert _one_city(0, 0, 0) == {"index": 0, "band": "green"}          # no departments
    assert _one_city(1, 0, 29) == {"index": 3, "band": "green"}         # one red among 30
    assert _one_city(0, 6, 19) == {"index": 12, "band": "green"}        # 12.0
    assert _one_city(1, 0, 7) == {"index": 13, "band": "yellow"}        # 12.5 → 13
    assert _one_city(0, 1, 3) == {"index": 13, "band": "yellow"}        # 12.5 → 13
    assert _one_city(3, 0, 5) == {"index": 38, "band": "red"}           # 37.5 → 38
    assert _one_city(0, 37, 13) == {"index": 37, "band": "yellow"}      # 37.0
    assert _one_city(1, 0, 2) == {"index": 33, "band": "yellow"}        # 33.33…
    assert _one_city(2, 0, 0) == {"index": 100, "band": "red"}


def test_each_city_card_shows_the_word_of_its_index(seeded):
    at = open_page(login("prov_leader"), "pages/lights/cockpit.py")
    assert not at.exception, at.exception
    words = {translate(f"lights.level.{b}", "zh_CN"): b for b in ("red", "yellow", "green")}
    cards = [m.value for m in at.markdown if "　:" in m.value]
    indices = [c.value for c in at.caption if c.value.startswith("亮灯指数 ")]
    assert len(cards) == len(indices) == 14
    for card, caption in zip(cards, indices, strict=True):
        index = int(caption.split()[1])
        word = next(b for w, b in words.items() if f"**{w}**" in card)
        assert word == ("green" if index <= 12 else "yellow" if index <= 37 else "red"), (card, caption)

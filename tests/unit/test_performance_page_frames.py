"""The performance pages' frames (ui.performance.view): the region comparison as read and the
indicator tree built from a version's nodes."""

from __future__ import annotations

import polars as pl

from ui.performance.view import display_regions, tree_frame


def test_the_region_comparison_names_levels_and_headers_and_drops_the_code():
    regions = pl.DataFrame({"region_code": ["410100", "410102"], "region": ["郑州市", "中原区"],
                            "region_level": ["city", "county"], "average": [88.5, 91.0],
                            "departments": [12, 4], "poor": [1, 0], "level_rank": [1, 1]})
    shown = display_regions(regions)
    assert shown.columns == ["地区", "层级", "平均分", "部门数", "较差", "同级排名"]
    assert shown.rows() == [("郑州市", "市", 88.5, 12, 1, 1), ("中原区", "县（区）", 91.0, 4, 0, 1)]


def test_the_tree_frame_keeps_the_node_fields_in_order_and_params_as_chinese_json():
    node = {"code": "A1", "parent_code": None, "name_zh": "党风廉政", "weight": 30.0, "kind": "leaf",
            "method": "threshold", "source": "manual", "metric_key": None, "missing_rule": "zero",
            "params": {"说明": "达标", "min": 1}, "name_en": "ignored", "id": 5}
    frame = tree_frame([node])
    assert frame.columns == ["code", "parent_code", "name_zh", "weight", "kind", "method", "source",
                             "metric_key", "missing_rule", "params"]
    assert frame.row(0) == ("A1", None, "党风廉政", 30.0, "leaf", "threshold", "manual", None, "zero",
                            '{"说明": "达标", "min": 1}')

"""The red-flag dashboard's tables (ui.trading.dashboard_tables): the pivot per rule and
domain, and the rates per buyer and agency in percent, cut down."""

from __future__ import annotations

import polars as pl

from ui.trading import dashboard_tables


def test_the_pivot_names_rules_levels_and_domains_and_counts_a_missing_cell_as_zero():
    by_rule = pl.DataFrame({"domain": ["works", "land", "works"], "rule_id": ["TR-R1", "TR-R1", "TR-R2"],
                            "level": ["red", "red", "yellow"], "flags": [3, 1, 2]})
    pivot = dashboard_tables.rule_pivot(by_rule)
    assert pivot.columns == ["规则", "灯色", "工程建设", "土地使用权"]
    assert pivot.sort("规则").rows() == [("TR-R1 投标人少于3个仍开标定标", "红灯", 3, 1),
                                        ("TR-R2 投标（响应）期限短于法定最短期限", "黄灯", 2, 0)]


def test_the_rates_per_buyer_and_agency_are_percent_cut_down_never_rounded_up():
    rates = {"processes": [4, 7], "red_rate": [0.25, 0.99987], "flag_rate": [0.5, 0.4567]}
    buyers = dashboard_tables.buyer_rates(pl.DataFrame({"department_name": ["甲局", "乙局"], **rates}))
    assert buyers.columns == ["招标人（采购人）", "项目数", "红灯项目比例", "亮灯项目比例"]
    assert buyers.rows() == [("甲局", 4, 25.0, 50.0), ("乙局", 7, 99.9, 45.6)]
    agencies = dashboard_tables.agency_rates(pl.DataFrame({"agency_name": ["丙代理", None], **rates}))
    assert agencies.columns == ["代理机构", "项目数", "红灯项目比例", "亮灯项目比例"]
    assert agencies.rows() == [("丙代理", 4, 25.0, 50.0), (None, 7, 99.9, 45.6)]

"""The power pages' frames: the risk register's table (ui.power.risks_view) and the public
list's department filter and facts (ui.power.public_view)."""

from __future__ import annotations

from datetime import date

import polars as pl

from ui.power.public_view import facts_table, region_departments
from ui.power.risks_view import register_table


def test_the_register_leads_each_risk_point_with_its_power_and_department_in_row_order():
    risks = pl.DataFrame({
        "power": ["行政许可A", "行政处罚B"], "department": ["市场监管局", "交通局"],
        "step_seq": [2, 1], "description": ["超时审批", "自由裁量过宽"], "level": ["高", "低"],
        "measures": [None, "双人复核"], "responsible_post": ["科长", None],
        "last_review": [date(2026, 5, 1), None], "id": [7, 8]})
    shown = register_table(risks)
    assert shown.columns == ["职权名称", "部门", "步骤序号", "风险点描述", "风险等级", "防控措施",
                             "责任岗位", "最近复核日期"]
    assert shown.rows() == [("行政许可A", "市场监管局", 2, "超时审批", "高", "—", "科长", "2026-05-01"),
                            ("行政处罚B", "交通局", 1, "自由裁量过宽", "低", "双人复核", "—", "—")]


def test_a_picked_region_keeps_its_departments_and_none_keeps_all():
    depts = pl.DataFrame({"id": [1, 2, 3], "name": ["甲", "乙", "丙"],
                          "region_code": ["410100", "410200", "410100"]})
    assert region_departments(depts, "410100")["id"].to_list() == [1, 3]
    assert region_departments(depts, None)["id"].to_list() == [1, 2, 3]
    assert region_departments(depts, "419900").height == 0


def test_the_public_facts_read_as_text_with_free_and_yes_no_in_words():
    power = {"code": "XK-001", "category": "行政许可", "department": "市场监管局", "legal_basis": "《许可法》",
             "statutory_limit_days": 20, "promised_limit_days": 5, "fee_standard": None,
             "online_available": True}
    facts = facts_table(power)
    assert facts.columns == ["项目", "内容"]
    assert facts.rows() == [("职权编码", "XK-001"), ("职权类别", "行政许可"), ("部门", "市场监管局"),
                            ("设定依据", "《许可法》"), ("法定时限（工作日）", "20"),
                            ("承诺时限（工作日）", "5"), ("收费标准（元/件）", "不收费"), ("可网上办理", "是")]
    paid = facts_table(power | {"fee_standard": 12.50, "online_available": False})
    assert paid["内容"].to_list()[-2:] == ["12.5", "否"]

"""Repeat detection: near-duplicate Chinese complaints scored by metrics.feedback.similarity,
precision and recall measured on a hand-labelled set, and the operator's merge candidates."""

from __future__ import annotations

from sqlmodel import Session

from metrics.feedback.similarity import similarity
from services.feedback.repeats import merge_candidates
from services.platform.scope import ALL
from tests.unit.test_feedback_flow import at, build_org, new_ticket

THRESHOLD = 60.0

# the same matter told twice (by the same or another citizen): labelled duplicates
SAME = [
    ("小区电梯长期故障，物业迟迟不维修", "我们小区的电梯坏了很久了，物业一直不来修"),
    ("饭店后厨卫生脏乱，吃后腹泻", "在这家饭店吃饭后拉肚子，后厨卫生很差"),
    ("工厂夜间排放刺鼻废气", "晚上工厂偷偷排放废气，气味刺鼻"),
    ("工地拖欠农民工工资三个月", "建筑工地三个月没发农民工工资"),
    ("小区自来水发黄有异味", "自来水发黄，还有一股异味"),
    ("施工工地夜间噪音扰民", "工地夜里施工噪音太大，扰民严重"),
    ("学校违规收取补课费", "学校违规向学生收取补课费用"),
    ("出租车拒载绕路", "出租车司机拒载，还故意绕路"),
    ("超市销售过期食品", "超市在卖过期的食品"),
    ("医院挂号难，黄牛倒号", "医院号源被黄牛倒卖，挂号太难"),
    ("加油站价格高于公示价", "加油站实际收费高于公示的价格"),
    ("单位不给缴纳社保", "我们单位一直不给员工缴纳社保"),
    ("村集体土地被违规占用建房", "有人违规占用村集体土地建房"),
    ("购买到假种子，玉米绝收", "买到了假种子，今年玉米绝收了"),
    ("中介扣押租房押金不退", "租房中介扣着押金不退还"),
    ("小区绿地被改建停车场", "小区的绿地被改成了停车场"),
    ("窗口工作人员态度恶劣，推诿办事", "办事窗口人员态度恶劣，互相推诿"),
    ("公交线路班次减少，候车时间过长", "公交班次减少了，等车时间太长"),
    ("惠农补贴未发放到户", "惠农补贴一直没有发到农户手里"),
    ("幼儿园擅自提高收费标准", "幼儿园擅自提高了收费标准"),
]
# different matters, often in the same place or category: labelled not duplicates
DIFFERENT = [
    ("小区电梯长期故障，物业迟迟不维修", "物业乱收停车费，标准不公示"),
    ("饭店后厨卫生脏乱，吃后腹泻", "超市销售过期食品"),
    ("工厂夜间排放刺鼻废气", "施工工地夜间噪音扰民"),
    ("工地拖欠农民工工资三个月", "单位不给缴纳社保"),
    ("小区自来水发黄有异味", "河道堤坝破损无人修复"),
    ("学校违规收取补课费", "幼儿园擅自提高收费标准"),
    ("出租车拒载绕路", "公交线路班次减少，候车时间过长"),
    ("医院挂号难，黄牛倒号", "诊所乱收费，开大处方"),
    ("加油站价格高于公示价", "商家虚假宣传，拒不退款"),
    ("村集体土地被违规占用建房", "小区绿地被改建停车场"),
    ("购买到假种子，玉米绝收", "惠农补贴未发放到户"),
    ("中介扣押租房押金不退", "新房交付后墙体开裂渗水，开发商推诿"),
    ("窗口工作人员态度恶劣，推诿办事", "项目审批久拖不办"),
    ("和平区中山路路灯不亮", "和平区中山路井盖丢失"),
    ("小区垃圾无人清运", "小区停车位被外来车辆占用"),
    ("菜市场缺斤短两", "菜市场周边占道经营"),
    ("供暖温度不达标", "燃气费收费标准不合理"),
    ("网约车司机辱骂乘客", "出租车不打表乱收费"),
    ("学校食堂饭菜质量差", "学校门口交通拥堵"),
    ("医院停车难", "医院收费不透明"),
]


def _confusion() -> tuple[int, int, int]:
    tp = sum(similarity(a, b) >= THRESHOLD for a, b in SAME)
    fp = sum(similarity(a, b) >= THRESHOLD for a, b in DIFFERENT)
    return tp, fp, len(SAME) - tp


def test_precision_and_recall_on_the_labelled_set():
    tp, fp, fn = _confusion()
    # one false match: two different faults of one street (路灯 / 井盖) share its name
    assert (tp, fp, fn) == (20, 1, 0)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert round(precision, 3) == 0.952 and recall == 1.0


def test_identical_text_scores_100_and_unrelated_low():
    assert similarity("超市销售过期食品", "超市销售过期食品！") == 100.0
    assert similarity("超市销售过期食品", "工地拖欠农民工工资") < 30


def test_merge_candidates_rank_same_contact_then_similar_content(engine):
    build_org(engine)
    first = new_ticket(engine, when=at(2026, 11, 2))                       # 138…, 中山路1号
    other = new_ticket(engine, when=at(2026, 11, 3), contact="13700001111", address="和平区太原街9号")
    far = new_ticket(engine, when=at(2026, 9, 1), contact="13600002222", address="和平区北京街3号")
    me = new_ticket(engine, when=at(2026, 11, 4))                          # same phone as `first`
    with Session(engine) as s:
        found = merge_candidates(session=s, scope=ALL, ticket_id=me)
    assert found["id"].to_list() == [first, other]                        # `far`: outside 30 days
    assert found.row(0, named=True)["same_contact"] is True
    # the fixture's tickets share their text: the other citizen's one is a content match
    assert found.row(1, named=True)["same_contact"] is False and found["similarity"][1] == 100.0
    assert far not in found["id"].to_list()

"""Issue 16: the 督办 paperwork prints as Word documents (督办通知书, 整改反馈单) with number,
dates, parties, text and a signature block; the order page names people, not logins."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import docx
import polars as pl
from sqlmodel import Session

from i18n import translate
from services.lights.read import alert_history
from services.platform.scope import Scope
from tests.app.helpers import login, open_page, texts
from ui.lights.format import history_display
from ui.lights.paperwork import feedback_docx, notice_docx

ORDER = {"order_no": "DB202600042", "department_name": "和平区市场监督管理局", "region_name": "和平区",
         "issued_by": "county_supervisor", "issued_at": datetime(2026, 11, 2, 1, 30, tzinfo=UTC),
         "due_date": date(2026, 11, 16), "instructions": "十日内完成整改。\n**不要** <b>加粗</b>",
         "response": "已修订制度并约谈经办人。", "answered_by": "county_data",
         "answered_at": datetime(2026, 11, 10, 8, 0, tzinfo=UTC), "decision_note": None}
NAMES = {"county_supervisor": "和平区纪委监委监督员", "county_data": "和平区市场监管局数据专员"}


def _text(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def test_notice_holds_number_parties_matters_instructions_and_signature():
    alerts = pl.DataFrame({"rule_id": ["NO-SUCH"], "facts": [json.dumps({"case_no": "X-1"})]})
    lines = _text(notice_docx(ORDER, alerts, NAMES))
    assert lines[:5] == ["督办通知书", "编号：DB202600042", "主送单位：和平区市场监督管理局（和平区）",
                         "督办日期：2026年11月2日", "办理时限：2026年11月16日"]
    assert "1. NO-SUCH：case_no：X-1" in lines
    assert "十日内完成整改。" in lines and "**不要** <b>加粗</b>" in lines  # plain text, as typed
    assert lines[-3:] == ["签发人：和平区纪委监委监督员", "（盖章）：", "日期：2026年11月2日"]


def test_feedback_holds_the_answer_and_a_signature_block():
    lines = _text(feedback_docx(ORDER, NAMES))
    assert lines[0] == translate("lights.paper.feedback_title", "zh_CN")
    assert "反馈日期：2026年11月10日" in lines
    assert "已修订制度并约谈经办人。" in lines
    assert "经办人：和平区市场监管局数据专员" in lines
    assert lines[lines.index("审核意见：") + 1] == "—"  # no decision yet: a dash, not None


def test_order_page_names_people_and_offers_both_documents(seeded):
    at = open_page(login("prov_supervisor"), "pages/lights/orders.py")
    assert not at.exception, at.exception
    shown = " ".join(texts(at.markdown))
    assert "_supervisor" not in shown and "_data" not in shown
    labels = [b.proto.label for b in at.get("download_button")]
    assert translate("lights.paper.notice_button", "zh_CN") in labels
    assert translate("lights.paper.feedback_button", "zh_CN") in labels


def test_order_list_and_alert_history_name_people_not_logins(seeded):
    at = open_page(login("prov_supervisor"), "pages/lights/orders.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    assert set(table[translate("lights.order.issued_by", "zh_CN")]) == {"省纪委监委监督员"}
    # an order's alerts were worked by the supervisor (acknowledged, put under supervision)
    with Session(seeded) as s:
        history = alert_history(session=s, scope=Scope(region_codes=None), alert_id=int(
            at.dataframe[1].value[translate("lights.col.id", "zh_CN")][0]))
    shown = history_display(history)
    actors = set(shown[translate("lights.hist.actor", "zh_CN")])
    assert actors == {"系统", "省纪委监委监督员"}, actors

"""The 督办 paperwork as Word documents (python-docx): the 督办通知书 a supervisor sends with an
order, and the 整改反馈单 the department returns with its answer. Each has the order number,
dates, the parties, the text and a signature block; user text goes in as plain runs (never
interpreted). Built on click from what the page already read."""

from __future__ import annotations

import io
from collections.abc import Mapping
from datetime import date, datetime

import polars as pl

from core.clock import CHINA_TZ
from ui.lights.format import facts_text, rule_title, t

FONT = "SimSun"  # 宋体, present wherever Word or WPS is


def _day(value: date | datetime | None) -> str:
    if value is None:
        return "—"
    if isinstance(value, datetime):
        value = value.astimezone(CHINA_TZ).date() if value.tzinfo else value.date()
    return t("lights.paper.date", y=value.year, m=value.month, d=value.day)


def _document():  # noqa: ANN202
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(12)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    return doc


def _title(doc, text: str, number: str) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    head = doc.add_paragraph()
    head.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = head.add_run(text)
    run.bold, run.font.size = True, Pt(20)
    no = doc.add_paragraph(number)
    no.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _field(doc, label: str, value: object) -> None:  # noqa: ANN001
    p = doc.add_paragraph()
    p.add_run(f"{label}：").bold = True
    p.add_run("—" if value in (None, "") else str(value))


def _block(doc, label: str, text: str | None) -> None:  # noqa: ANN001
    doc.add_paragraph().add_run(f"{label}：").bold = True
    for line in (text or "—").splitlines() or ["—"]:
        doc.add_paragraph(line)


def _signature(doc, rows: list[tuple[str, str]]) -> None:  # noqa: ANN001
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc.add_paragraph()
    for label, value in rows:
        p = doc.add_paragraph(f"{label}：{value}")
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT


def _bytes(doc) -> bytes:  # noqa: ANN001
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def notice_docx(order: Mapping, alerts: pl.DataFrame, names: Mapping[str, str]) -> bytes:
    """督办通知书: to the department, what fired, what to do by when, signed by the issuer."""
    doc = _document()
    _title(doc, t("lights.paper.notice_title"), t("lights.paper.number", no=order["order_no"]))
    _field(doc, t("lights.paper.to"), f"{order['department_name']}（{order['region_name']}）")
    _field(doc, t("lights.paper.issued_on"), _day(order["issued_at"]))
    _field(doc, t("lights.paper.due"), _day(order["due_date"]))
    doc.add_paragraph().add_run(f"{t('lights.paper.matters')}：").bold = True
    for i, a in enumerate(alerts.iter_rows(named=True), start=1):
        doc.add_paragraph(f"{i}. {rule_title(a['rule_id'])}：{facts_text(a['rule_id'], a['facts'])}")
    _block(doc, t("lights.paper.instructions"), order["instructions"])
    doc.add_paragraph(t("lights.paper.notice_closing", due=_day(order["due_date"])))
    issuer = names.get(order["issued_by"], order["issued_by"])
    _signature(doc, [(t("lights.paper.issuer"), issuer), (t("lights.paper.seal"), ""),
                     (t("lights.paper.signed_on"), _day(order["issued_at"]))])
    return _bytes(doc)


def feedback_docx(order: Mapping, names: Mapping[str, str]) -> bytes:
    """整改反馈单: the department's answer to an order and the supervisor's decision."""
    doc = _document()
    _title(doc, t("lights.paper.feedback_title"), t("lights.paper.number", no=order["order_no"]))
    _field(doc, t("lights.paper.from"), f"{order['department_name']}（{order['region_name']}）")
    _field(doc, t("lights.paper.issued_on"), _day(order["issued_at"]))
    _field(doc, t("lights.paper.due"), _day(order["due_date"]))
    _field(doc, t("lights.paper.answered_on"), _day(order["answered_at"]))
    _block(doc, t("lights.paper.instructions"), order["instructions"])
    _block(doc, t("lights.paper.response"), order["response"])
    _block(doc, t("lights.paper.decision"), order["decision_note"])
    answerer = names.get(order["answered_by"] or "", order["answered_by"] or "")
    _signature(doc, [(t("lights.paper.answerer"), answerer or "　" * 6),
                     (t("lights.paper.head"), "　" * 6), (t("lights.paper.seal"), ""),
                     (t("lights.paper.signed_on"), _day(order["answered_at"]))])
    return _bytes(doc)

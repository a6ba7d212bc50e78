"""The download template of a kind: an .xlsx with the header row and one example row, and a
second sheet explaining every column (header names, required, type, allowed values)."""

from __future__ import annotations

import io

from data_checks.checks import allowed_text
from data_checks.kinds import UploadKind
from i18n import translate


def template_xlsx(kind: UploadKind, lang: str = "zh_CN") -> bytes:
    import xlsxwriter

    tr = lambda key: translate(key, lang)  # noqa: E731
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False}) as wb:
        text = wb.add_format({"num_format": "@"})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "num_format": "@"})
        data = wb.add_worksheet(tr("ingest.template_sheet_data"))
        for i, col in enumerate(kind.columns):
            data.set_column(i, i, max(12, len(col.zh) * 3), text)
            data.write_string(0, i, col.zh, head)
            data.write_string(1, i, col.example)
        data.freeze_panes(1, 0)
        notes = wb.add_worksheet(tr("ingest.template_sheet_help"))
        heads = ["template_col_header", "template_col_english", "template_col_required",
                 "template_col_type", "template_col_allowed", "template_col_help",
                 "template_col_example"]
        for j, key in enumerate(heads):
            notes.write_string(0, j, tr(f"ingest.{key}"), head)
        widths = [16, 18, 8, 16, 40, 48, 16]
        for j, w in enumerate(widths):
            notes.set_column(j, j, w)
        for i, col in enumerate(kind.columns, start=1):
            cells = [col.zh, col.en, tr("ingest.yes") if col.required else tr("ingest.no"),
                     tr(f"ingest.type.{col.type}"), allowed_text(col) if col.choices else "",
                     col.help_zh if lang == "zh_CN" else col.help_en, col.example]
            for j, value in enumerate(cells):
                notes.write_string(i, j, value)
    return buf.getvalue()

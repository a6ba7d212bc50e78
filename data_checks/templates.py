"""The download template of a kind: an .xlsx with the header row and one example row, and a
second sheet explaining every column (header names, required, type, allowed values).

The example row starts with a mark (`data_checks.cells.EXAMPLE_MARKS`) so it is never imported;
every cell is text-formatted (a time typed as 9:30 stays 9:30); columns with allowed values
(and yes/no columns) get an Excel drop-down over all rows."""

from __future__ import annotations

import io

from data_checks.cells import example_mark
from data_checks.checks import allowed_text
from data_checks.kinds import UploadKind
from i18n import translate

MAX_ROW = 1_048_575  # Excel's last row (0-based)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def _dropdown(col, lang: str) -> list[str]:  # noqa: ANN001
    """The values an Excel drop-down offers for a column (none for free text and lists)."""
    if col.type == "bool":
        return ["是", "否"] if lang == "zh_CN" else ["yes", "no"]
    if col.choices and col.type != "list":
        return [col.choice_label(v, lang) for v in col.choices]
    return []


def template_xlsx(kind: UploadKind, lang: str = "zh_CN") -> bytes:
    import xlsxwriter

    tr = lambda key: translate(key, lang)  # noqa: E731
    buf = io.BytesIO()
    with xlsxwriter.Workbook(buf, {"strings_to_formulas": False, "strings_to_urls": False,
                                   "strings_to_numbers": False}) as wb:
        text = wb.add_format({"num_format": "@"})
        head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "num_format": "@"})
        sample = wb.add_format({"num_format": "@", "italic": True, "font_color": "#7f7f7f"})
        data = wb.add_worksheet(tr("ingest.template_sheet_data"))
        lists = None
        for i, col in enumerate(kind.columns):
            data.set_column(i, i, max(12, len(col.zh) * 3), text)
            data.write_string(0, i, col.zh, head)
            data.write_string(1, i, (example_mark(lang) if i == 0 else "") + col.example, sample)
            values = _dropdown(col, lang)
            if values:
                if lists is None:
                    lists = wb.add_worksheet("lists")
                    lists.hide()
                for r, v in enumerate(values):
                    lists.write_string(r, i, v)
                ref = f"=lists!${_letters(i)}$1:${_letters(i)}${len(values)}"
                data.data_validation(1, i, MAX_ROW, i, {"validate": "list", "source": ref,
                                                        "error_type": "warning"})
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

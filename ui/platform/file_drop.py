"""Streamlit's file uploader with its drop zone in the user's language and the one size limit.

Streamlit 1.67 draws the drop zone's texts in its browser code, in English only: the "Upload"
button, "50MB per file • PDF, PNG" and, for a file it refuses before sending (too large, wrong
type), "File must be 50.0MB or smaller." in the file's chip, its tooltip and a screen-reader
alert; the page never learns of such a file. There is no API for these texts, so a stylesheet
of ours (constant text from the i18n catalogs, no user text) hides them and puts the catalog's
words in their place. tests/e2e/test_ux_assets_e2e.py checks what the browser shows.

Sizes: Streamlit counts a megabyte as 1,000,000 bytes (its limit check and its chip sizes);
`data_checks.parsing` counts the same way, so one number is shown and enforced everywhere."""

from __future__ import annotations

import json
import re

import streamlit as st

from services.platform.settings import get_settings
from ui.platform.i18n import t


def upload_limit_mb() -> int:
    """The one upload limit: FIVESYS_UPLOAD_MAX_MB, never above Streamlit's transport
    ceiling (a widget limit above it would end in the server's bare 413)."""
    return min(get_settings().upload_max_mb, int(st.get_option("server.maxUploadSize")))


def _css_text(text: str) -> str:
    # a CSS string literal; json's escaping of quotes and backslashes is valid CSS
    return json.dumps(text, ensure_ascii=False)


def _stylesheet(key: str, limit_mb: int, types: list[str] | None) -> str:
    kinds = "、".join(x.upper() for x in types) if types else ""
    hint = t("ingest.drop_hint_types", limit=limit_mb, types=kinds) if kinds else t(
        "ingest.drop_hint", limit=limit_mb)
    refused = t("ingest.drop_refused_types", limit=limit_mb, types=kinds) if kinds else t(
        "ingest.drop_refused", limit=limit_mb)
    if not re.fullmatch(r"[A-Za-z0-9_-]+", key):
        raise ValueError(f"uploader key {key!r}: letters, digits, _ and - only (it names a CSS class)")
    # scoped to this widget (Streamlit gives a keyed widget's container the class st-key-<key>)
    zone = f'.st-key-{key} [data-testid="stFileUploaderDropzone"]'
    chip = f'.st-key-{key} [data-testid="stFileChip"][aria-invalid="true"]'
    small = "font-size: 0.875rem; line-height: 1.4;"
    button = f'{zone} [data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]'
    hint_box = f'.st-key-{key} [data-testid="stFileUploaderDropzoneInstructions"] > div'
    # display:none, not a zero font size: hidden text would still be in the page's text
    return "".join([
        "<style>",
        f"{button} p, {hint_box} span {{ display: none; }}",
        f"{button}::after {{ content: {_css_text(t('ingest.drop_button'))}; {small} }}",
        f"{hint_box}::after {{ content: {_css_text(hint)}; {small} }}",
        # a refused file: the chip says why in our words; Streamlit's English alert and
        # tooltip are hidden (the tooltip sits outside the widget; on a page with an
        # uploader an error tooltip is only ever an upload's)
        f'{chip} [role="alert"], [role="tooltip"]:has([data-testid="stTooltipErrorContent"]) '
        "{ display: none !important; }",
        f"{chip} > div:nth-child(2)::after {{ content: {_css_text(refused)}; display: block; "
        f"color: #b71c1c; font-size: 0.75rem; white-space: normal; }}",
        f'{chip}[role="button"] > div:nth-child(2)::after '
        f"{{ content: {_css_text(t('ingest.drop_failed'))}; }}",
        "</style>",
    ])


def file_uploader(label: str, *, key: str, types: list[str] | None = None,
                  multiple: bool = False, limit_mb: int | None = None):  # noqa: ANN201
    """`st.file_uploader` limited to `limit_mb` (default: the one upload limit), its drop
    zone in the user's language. Returns what Streamlit returns."""
    ceiling = upload_limit_mb()
    limit = min(limit_mb or ceiling, ceiling)
    st.html(_stylesheet(key, limit, types))
    return st.file_uploader(label, key=key, type=types, accept_multiple_files=multiple,
                            max_upload_size=limit)

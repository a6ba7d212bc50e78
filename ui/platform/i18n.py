"""The current user's language, and `t()` for pages."""

from __future__ import annotations

import streamlit as st

from i18n import DEFAULT_LANGUAGE, LANGUAGES, translate
from services.platform.settings import get_settings

LANG_KEY = "lang"


def current_language() -> str:
    lang = st.session_state.get(LANG_KEY)
    if lang not in LANGUAGES:
        lang = get_settings().default_language or DEFAULT_LANGUAGE
    return lang


def t(key: str, /, **params: object) -> str:
    return translate(key, current_language(), **params)


def error_text(exc: Exception) -> str:
    """Service errors carry an i18n key and parameters; anything else is shown as is."""
    key, params = getattr(exc, "key", None), getattr(exc, "params", {})
    return t(key, **params) if key else str(exc)


def language_switch() -> None:
    """Sidebar switch between 简体中文 and English (kept in session state). A new browser
    session takes `?lang=` from its URL first (the login cookie's redirect carries the language
    chosen before logging in) and drops it from the URL."""
    if LANG_KEY in st.query_params:
        wanted = st.query_params[LANG_KEY]
        del st.query_params[LANG_KEY]
        if wanted in LANGUAGES and LANG_KEY not in st.session_state:
            st.session_state[LANG_KEY] = wanted
    st.session_state.setdefault(LANG_KEY, current_language())
    st.sidebar.radio(
        "Language / 语言", options=list(LANGUAGES), key=LANG_KEY, horizontal=True,
        format_func=lambda code: {"zh_CN": "简体中文", "en": "English"}[code],
        label_visibility="collapsed",
    )

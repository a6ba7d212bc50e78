"""Navigation by role, built from the pages the systems manifest (`systems.py`) declares.

The entry file builds `st.navigation` from it; a system adds its pages in the manifest."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from core.manifest import PageSpec
from systems import all_pages
from ui.platform.i18n import t

PAGES: list[PageSpec] = all_pages()  # the manifest's pages, in menu order


def url_path(spec: PageSpec) -> str:
    return spec.url_path


def pages_for_roles(roles: tuple[str, ...] | list[str]) -> list[PageSpec]:
    return [p for p in PAGES if p.public or p.roles.intersection(roles)]


def menu_title(spec: PageSpec, count: int = 0) -> str:
    """The page's title in the menu, with the number of items waiting there (if any)."""
    return t(spec.title_key) + (f" ({count})" if count else "")


def _page(spec: PageSpec, *, hidden: bool = False, default: bool = False,
          count: int = 0) -> st.Page:
    return st.Page(spec.path, title=menu_title(spec, count), icon=spec.icon, url_path=url_path(spec),
                   default=default, visibility="hidden" if hidden else "visible")


def build_for_user(roles: tuple[str, ...],
                   counts: dict[str, int] | None = None) -> dict[str, list[st.Page]]:
    """The user's menu; `counts` (page path -> number waiting) are shown after the titles."""
    counts = counts or {}
    groups: dict[str, list[st.Page]] = {}
    for i, spec in enumerate(pages_for_roles(roles)):
        groups.setdefault(t(spec.group_key), []).append(
            _page(spec, default=i == 0, count=counts.get(spec.path, 0)))
    return groups


def build_for_guest(login_view: Callable[[], None]) -> tuple[list[st.Page], set[str]]:
    """Public pages plus the login page; every other page is registered hidden so that a
    reload on it keeps its URL until the session cookie has logged the user back in."""
    pages = [st.Page(login_view, title=t("nav.login"), icon=":material/login:",
                     url_path="login", default=True)]
    public_paths = set()
    for spec in PAGES:
        pages.append(_page(spec, hidden=not spec.public))
        if spec.public:
            public_paths.add(url_path(spec))
    return pages, public_paths

"""The page registry: every page once, with the roles that see it and its menu group.

The entry file builds `st.navigation` from it; systems add their pages here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from ui.i18n import t

EVERYONE = frozenset({"admin", "leader", "data_officer", "evaluator", "supervisor"})


@dataclass(frozen=True)
class PageSpec:
    path: str
    title_key: str
    icon: str
    group_key: str
    roles: frozenset[str] = EVERYONE
    public: bool = False  # readable without login


# Order here is the order in the menu (groups appear in order of first use).
PAGES: list[PageSpec] = [
    PageSpec("pages/home.py", "nav.home", ":material/dashboard:", "nav.group_general"),
    PageSpec("pages/cockpit.py", "lights.nav.cockpit", ":material/monitoring:", "nav.group_general",
             frozenset({"leader", "supervisor"})),
    PageSpec("pages/org_browser.py", "nav.org_browser", ":material/account_tree:", "nav.group_org"),
    PageSpec("pages/org_admin.py", "nav.org_admin", ":material/domain_add:", "nav.group_admin",
             frozenset({"admin"})),
    PageSpec("pages/users_admin.py", "nav.users_admin", ":material/manage_accounts:",
             "nav.group_admin", frozenset({"admin"})),
    PageSpec("pages/audit_log.py", "nav.audit_log", ":material/verified_user:", "nav.group_admin",
             frozenset({"admin"})),
    PageSpec("pages/work_calendar.py", "calendar.nav", ":material/calendar_month:", "nav.group_admin",
             frozenset({"admin"})),
    PageSpec("pages/account.py", "nav.account", ":material/key:", "nav.group_general"),
    PageSpec("pages/data_upload.py", "ingest.upload_title", ":material/upload_file:",
             "ingest.group_data", frozenset({"admin", "data_officer"})),
    PageSpec("pages/data_entry.py", "ingest.entry_title", ":material/edit_note:",
             "ingest.group_data", frozenset({"admin", "data_officer"})),
    PageSpec("pages/import_history.py", "ingest.history_title", ":material/history:",
             "ingest.group_data", frozenset({"admin", "data_officer"})),
    PageSpec("pages/lights_centre.py", "lights.nav.centre", ":material/e911_emergency:",
             "lights.group", frozenset({"supervisor", "leader"})),
    PageSpec("pages/supervision_orders.py", "lights.nav.orders", ":material/assignment_late:",
             "lights.group", frozenset({"supervisor", "leader", "data_officer"})),
    PageSpec("pages/rule_settings.py", "lights.nav.rule_settings", ":material/tune:",
             "nav.group_admin", frozenset({"admin"})),
    PageSpec("pages/supervision_cases.py", "supervision.nav.cases", ":material/pending_actions:",
             "supervision.group", frozenset({"leader", "supervisor", "data_officer"})),
    PageSpec("pages/supervision_stats.py", "supervision.nav.stats", ":material/insights:",
             "supervision.group", frozenset({"leader", "supervisor", "data_officer"})),
    PageSpec("pages/supervision_funds.py", "supervision.nav.funds", ":material/savings:",
             "supervision.group", frozenset({"leader", "supervisor", "data_officer"})),
    # S1 行政权力运行 (issue 5)
    PageSpec("pages/power_catalog.py", "power.nav.catalog", ":material/list_alt:", "power.group"),
    PageSpec("pages/power_detail.py", "power.nav.detail", ":material/account_tree:", "power.group"),
    PageSpec("pages/power_risks.py", "power.nav.risks", ":material/gpp_maybe:", "power.group"),
    PageSpec("pages/power_inspections.py", "power.nav.inspections", ":material/fact_check:",
             "power.group"),
    PageSpec("pages/power_coverage.py", "power.nav.coverage", ":material/donut_large:",
             "power.group", frozenset({"admin", "leader", "supervisor", "evaluator"})),
    PageSpec("pages/public_powers.py", "power.nav.public", ":material/public:", "power.group",
             public=True),
]


def url_path(spec: PageSpec) -> str:
    return spec.path.removeprefix("pages/").removesuffix(".py")


def pages_for_roles(roles: tuple[str, ...] | list[str]) -> list[PageSpec]:
    return [p for p in PAGES if p.public or p.roles.intersection(roles)]


def _page(spec: PageSpec, *, hidden: bool = False, default: bool = False) -> st.Page:
    return st.Page(spec.path, title=t(spec.title_key), icon=spec.icon, url_path=url_path(spec),
                   default=default, visibility="hidden" if hidden else "visible")


def build_for_user(roles: tuple[str, ...]) -> dict[str, list[st.Page]]:
    groups: dict[str, list[st.Page]] = {}
    for i, spec in enumerate(pages_for_roles(roles)):
        groups.setdefault(t(spec.group_key), []).append(_page(spec, default=i == 0))
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

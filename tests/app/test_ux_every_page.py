"""Issue 16: every page, opened by every demo role, shows no exception, no literal "None" or
"nan", no "{placeholder}", no untranslated i18n key, no raw status code and no region code
where its name belongs, in any table cell or text."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import text as sql

from i18n import catalog
from tests.app.helpers import login, open_page
from tests.screen_words import raw_codes, region_codes
from ui.platform.navigation import pages_for_roles

ROLES = {"admin": ("admin",), "prov_leader": ("leader",), "prov_supervisor": ("supervisor",),
         "prov_evaluator": ("evaluator",), "county_data": ("data_officer",)}
KEYS = set(catalog("zh_CN"))
PLACEHOLDER = re.compile(r"\{[a-z_]+\}")
RAW = {"None", "nan", "NaN", "null", "NaT"}
CODE_COLUMN = re.compile(r"代码|编码|编号|[Cc]ode")
# the audit log's before/after: the stored record itself, field names and values as kept
# (checked for None and braces by the audit test below, not for codes)
RECORD_COLUMNS = {catalog("zh_CN")["audit.col_before"], catalog("zh_CN")["audit.col_after"]}


def _texts(at) -> list[tuple[str, str]]:  # noqa: ANN001
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "success",
                 "warning", "error"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    # what a select box offers, as formatted for the user (a bare None option reads "None")
    out += [("cell", str(o)) for box in (*at.selectbox, *at.multiselect) for o in box.options]
    out += [("metric", str(m.label)) for m in at.metric]
    out += [("metric", str(m.value)) for m in at.metric]
    for d in at.dataframe:
        value = d.value
        frame = value.data if hasattr(value, "data") else value
        out += [("column", str(c)) for c in frame.columns]
        # a code column (行政区划代码, 职权编码) may hold codes, next to the name
        named = frame[[c for c in frame.columns
                       if not CODE_COLUMN.search(str(c)) and str(c) not in RECORD_COLUMNS]]
        out += [("cell", str(v)) for v in named.astype(str).to_numpy().ravel()]
    return out


def problems(at, regions: dict[str, str] | None = None) -> list[str]:  # noqa: ANN001
    found = []
    for kind, text in _texts(at):
        if kind != "column":
            found += [f"{kind} code {c!r}: {text[:60]!r}" for c in raw_codes(text)]
            found += [f"{kind} region {c!r}: {text[:60]!r}" for c in region_codes(text, regions or {})]
        if kind in ("cell", "metric") and text.strip() in RAW:
            found.append(f"{kind}: {text!r}")
        elif kind != "cell" and re.search(r"\bNone\b", text):
            found.append(f"{kind}: {text[:80]!r}")
        if PLACEHOLDER.search(text):
            found.append(f"{kind} placeholder: {text[:80]!r}")
        if text.strip() in KEYS:
            found.append(f"{kind} key: {text!r}")
    return found


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_for_every_role_reads_clean(seeded, username):
    with seeded.connect() as conn:
        regions = dict(conn.execute(sql("select code, name from region")).all())
    at = login(username)
    report = {}
    for spec in pages_for_roles(ROLES[username]):
        if spec.public:
            continue
        open_page(at, spec.path)
        errors = [str(e.value)[:200] for e in at.exception]
        found = errors + problems(at, regions)
        if found:
            report[spec.path] = sorted(set(found))[:8]
    assert not report, "\n".join(f"{k}: {v}" for k, v in report.items())


def test_audit_log_names_people_and_actions_and_reads_changes(seeded):
    at = open_page(login("admin"), "pages/platform/audit_log.py")
    assert not at.exception, at.exception
    table = at.dataframe[0].value
    actions = set(table[translate_zh("audit.action")])
    assert not [a for a in actions if re.fullmatch(r"[a-z_]+(\.[a-z_]+)+", a)], actions
    actors = set(table[translate_zh("audit.actor")])
    assert "省纪委监委监督员" in actors and "系统" in actors
    assert not [a for a in actors if re.fullmatch(r"[a-z0-9_]+", a)], actors
    changes = " ".join(table[translate_zh("audit.col_after")])
    assert "{" not in changes and '"' not in changes


def test_org_browser_names_department_kinds(seeded):
    at = open_page(login("admin"), "pages/platform/org_browser.py")
    assert not at.exception, at.exception
    kinds = set(at.dataframe[-1].value[translate_zh("org.col_kind")])
    assert "财政" in kinds and not kinds & {"cz", "fgw", "zrzy"}


def translate_zh(key: str) -> str:
    return catalog("zh_CN")[key]

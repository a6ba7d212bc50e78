"""Issue 17: names from data and values from the URL never render as markup. Hostile names
go into powers, departments, steps, risk points, funds, recipients, parties, processes,
tickets and categories; every page is rendered for a role that sees it (and with hostile
query strings); no Markdown text, caption, message or chart may link to, or load an image
from, another host."""

from __future__ import annotations

import json
import re

from markdown_it import MarkdownIt
from sqlalchemy import text

from systems import all_pages
from tests.app.helpers import login, open_page
from ui.platform.formatting import md_escape

HOSTILE = ("![x](http://evil.example/p)", "[请重新登录](http://evil.example/phish)",
           '<a href="http://evil.example">x</a>', "http://evil.example/x")
# (table, text column): every fourth row gets one of the payloads (plus its id, to stay unique)
TARGETS = (("power", "name"), ("department", "name"), ("power_step", "name"),
           ("risk_point", "description"), ("special_fund", "name"), ("fund_payment", "recipient_name"),
           ("trade_party", "name"), ("trade_process", "title"), ("fb_ticket", "content"),
           ("fb_category", "name"), ("user", "display_name"))
QUERIES = {"case": "[x](http://evil.example)", "no": "![x](http://evil.example/p)",
           "order": "http://evil.example/x", "dept": "<a href='http://evil.example'>x</a>",
           "ocid": "[x](http://evil.example)", "uscc": "http://evil.example/x",
           "status": "[x](http://evil.example)"}
USERS = ("admin", "prov_supervisor", "prov_evaluator", "prov_data", "county_data")
BARE = re.compile(r"(?i)(https?://|www\.)\S*evil\.example")
MD = MarkdownIt("commonmark")


def _seed_hostile(engine) -> None:  # noqa: ANN001
    q = '"user"' if engine.dialect.name == "postgresql" else "user"
    with engine.begin() as conn:
        for table, column in TARGETS:
            name = q if table == "user" else table
            for i, payload in enumerate(HOSTILE):
                conn.execute(text(f"UPDATE {name} SET {column} = :v || ' ' || CAST(id AS VARCHAR) "
                                  f"WHERE id % 4 = :i"), {"v": payload, "i": i})


def _links_out(source: str) -> list[str]:
    """Links and images another host would serve, as Streamlit's Markdown would show them."""
    html = MD.render(source)
    found = re.findall(r'(?:href|src)="([^"]*evil\.example[^"]*)"', html)
    found += [m.group(0) for m in BARE.finditer(source.replace("\\", ""))]  # autolinks, escaped or not
    return found


def _strings(node):  # noqa: ANN001, ANN202
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for v in node.values():
            yield from _strings(v)
    elif isinstance(node, list):
        for v in node:
            yield from _strings(v)


def _offences(at) -> list[str]:  # noqa: ANN001
    bad = []
    for kind in ("markdown", "caption", "info", "warning", "error", "success", "title", "header",
                 "subheader", "toast"):
        for el in at.get(kind):
            value = str(getattr(el, "value", "") or getattr(el, "body", ""))
            bad += [f"{kind}: {value!r}" for _ in _links_out(value)[:1]]
    for chart in at.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        for s in _strings(spec):
            if "evil.example" in s and re.search(r"(?i)<\s*(a|img)\b", s):  # Plotly's own markup
                bad.append(f"plotly: {s!r}")
    for graph in at.get("graphviz_chart"):
        if re.search(r"(?i)\b(href|url)\s*=", graph.proto.spec):
            bad.append(f"graphviz: {graph.proto.spec[:200]!r}")
    return bad


def test_publish_warnings_show_step_names_as_typed():
    from streamlit.testing.v1 import AppTest

    def script() -> None:
        from ui.power.widgets import show_issues

        show_issues([("power.flow.unreachable", {"steps": "2 [请重新登录](http://evil.example/phish)"}),
                     ("power.flow.many_starts", {"steps": "1 ![x](http://evil.example/p)"})])

    at = AppTest.from_function(script)
    at.run()
    assert not at.exception, at.exception
    assert len(at.warning) == 2
    assert _offences(at) == []


def test_md_escape_breaks_links_images_and_bare_urls():
    for payload in HOSTILE + ("www.evil.example/x", "see https://evil.example/x now"):
        assert _links_out(md_escape(payload)) == [], payload


def test_no_page_renders_a_hostile_name_or_query_as_a_link(seeded):
    _seed_hostile(seeded)
    offences: dict[str, list[str]] = {}
    by_user: dict[str, list] = {}
    for page in all_pages():  # each page as the first user who may open it
        by_user.setdefault(next(u for u in USERS if page.public or _role(u) in page.roles),
                           []).append(page)
    assert sum(map(len, by_user.values())) == len(all_pages())
    for user, pages in by_user.items():
        for params in ({}, QUERIES):
            at = login(user)  # one session per user walks the pages, as a user does
            for page in pages:
                at.query_params.clear()
                at.query_params.update(params)
                open_page(at, page.path)
                assert not at.exception, (page.path, at.exception)
                if bad := _offences(at):
                    offences[f"{page.path}?{bool(params)}"] = bad
    assert offences == {}


def _role(username: str) -> str:
    return {"admin": "admin", "prov_supervisor": "supervisor", "prov_evaluator": "evaluator",
            "prov_data": "data_officer", "county_data": "data_officer"}[username]

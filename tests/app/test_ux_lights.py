"""Issue 16: lights as coloured words (no emoji), the lights centre opening on open alerts,
picked by clicking rows, worked in a batch, linked to their subject, and its export."""

from __future__ import annotations

import json
import re

from sqlalchemy import func, select
from sqlmodel import Session

from i18n import translate
from models.lights import Alert
from models.users import User
from services.lights.read import AlertFilter
from services.platform.scope import scope_for
from tests.app.helpers import login, open_page, texts
from ui.lights import picker
from ui.lights.export import alerts_export
from ui.lights.format import facts_text
from ui.platform.context import UserContext

EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\u2B55\u2B1B\u2B1C]")
OPEN = ["open", "acknowledged", "supervising"]


def tr(key: str, **params) -> str:  # noqa: ANN003
    return translate(key, "zh_CN", **params)


def _everything_shown(at) -> list[str]:  # noqa: ANN001
    shown = [e.value for kind in ("title", "subheader", "markdown", "caption", "info", "success",
                                  "warning") for e in getattr(at, kind)]
    shown += [m.label for m in at.metric] + [m.value for m in at.metric]
    shown += [p.proto.label for p in at.page_link]
    shown += [c.proto.spec for c in at.get("plotly_chart")]
    for d in at.dataframe:
        shown += [str(v) for v in d.value.astype(str).to_numpy().ravel()]
    return shown


def _pick(at, *alert_ids: int):  # noqa: ANN001, ANN202
    table = next(d for d in at.dataframe if d.key and d.key.startswith("lc_table"))
    shown = table.value[tr("lights.col.id")].tolist()
    at.session_state[table.key] = {"selection": {"rows": [shown.index(i) for i in alert_ids],
                                                 "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception
    return at


def _open_alerts(engine, **where) -> list[Alert]:  # noqa: ANN001, ANN003
    """Newest first, as the centre lists them (the first are on its first page)."""
    stmt = select(Alert).where(Alert.status.in_(OPEN)).order_by(Alert.detected_at.desc(),
                                                                 Alert.id.desc())
    for k, v in where.items():
        stmt = stmt.where(getattr(Alert, k) == v)
    with Session(engine) as s:
        return list(s.execute(stmt).scalars())


def test_no_page_of_the_lights_shows_a_colour_emoji(seeded):
    for user, page in (("prov_leader", "pages/lights/cockpit.py"),
                       ("prov_supervisor", "pages/lights/centre.py"),
                       ("prov_leader", "pages/esupervision/cases.py"),
                       ("admin", "pages/lights/rule_settings.py")):
        at = open_page(login(user), page)
        assert not at.exception, (page, at.exception)
        hits = [s for s in _everything_shown(at) if EMOJI.search(s)]
        assert hits == [], (page, hits[:3])


def test_centre_opens_on_open_alerts_with_the_light_as_coloured_text(seeded):
    at = open_page(login("prov_supervisor"), "pages/lights/centre.py")
    assert at.multiselect(key="lf_status").value == OPEN
    table = at.dataframe[0]
    with Session(seeded) as s:
        n_open = s.execute(select(func.count()).select_from(Alert)
                           .where(Alert.status.in_(OPEN))).scalar_one()
        n_all = s.execute(select(func.count()).select_from(Alert)).scalar_one()
    assert n_all > n_open  # the demo holds closed alerts too: the default hides them
    assert len(table.value) == min(n_open, picker.PAGE_SIZE)
    assert set(table.value[tr("lights.col.level")]) == {tr("lights.level.red"), tr("lights.level.yellow")}
    styles = table.proto.arrow_data.styler.styles
    assert "#c5221f" in styles and "#a05a00" in styles  # red and amber text


def test_centre_pages_through_every_alert_and_says_how_many(seeded, monkeypatch):
    monkeypatch.setattr(picker, "PAGE_SIZE", 40)
    with Session(seeded) as s:
        open_ids = s.execute(select(Alert.id).where(Alert.status.in_(OPEN))
                             .order_by(Alert.detected_at.desc(), Alert.id.desc())).scalars().all()
        n_red = s.execute(select(func.count()).select_from(Alert).where(
            Alert.status.in_(OPEN), Alert.level == "red")).scalar_one()
    n, pages = len(open_ids), -(-len(open_ids) // 40)
    assert pages >= 3, n  # the demo has pages to turn
    at = open_page(login("prov_supervisor"), "pages/lights/centre.py")
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[tr("lights.centre.count_total")] == f"{n:,}"
    assert metrics[tr("lights.centre.count_red")] == f"{n_red:,}"  # of every row, not of a page
    assert tr("lights.centre.total_rows", n=f"{n:,}") + tr(
        "lights.centre.page_rows", first="1", last="40") in texts(at.caption)
    ids = tr("lights.col.id")
    assert list(at.dataframe[0].value[ids]) == open_ids[:40]
    [box] = [b for b in at.number_input if b.key.startswith("lc_page_")]
    assert box.max == pages
    box.set_value(pages).run()
    assert not at.exception, at.exception
    assert list(at.dataframe[0].value[ids]) == open_ids[40 * (pages - 1):]  # the oldest too


def test_a_clicked_row_opens_the_alert_and_links_to_its_case(seeded):
    alert = next(a for a in _open_alerts(seeded, subject_type="approval_case"))
    at = open_page(login("prov_supervisor"), "pages/lights/centre.py")
    at.multiselect(key="lf_system").set_value([alert.system]).run()  # its system's lights
    _pick(at, alert.id)
    assert at.query_params["alert"] == str(alert.id)
    assert texts(at.subheader)[0].startswith(tr("lights.detail.title", id=alert.id, rule="")[:6])
    [link] = [p for p in at.page_link if p.proto.label.startswith(tr("lights.detail.open_subject", subject=""))]
    assert link.proto.page.endswith("supervision_cases") or "esupervision/cases" in link.proto.page
    assert link.proto.query_string == f"case={alert.subject_id}"


def test_batch_acknowledge_moves_every_ticked_open_alert(seeded):
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "county_supervisor")).scalar_one()
    alerts = [a for a in _open_alerts(seeded, status="open") if a.region_code == user.region_code][:3]
    assert len(alerts) == 3
    at = open_page(login("county_supervisor"), "pages/lights/centre.py")
    _pick(at, *(a.id for a in alerts))
    assert texts(at.subheader)[0] == tr("lights.batch.title", n=3)
    [button] = [b for b in at.button if b.label == tr("lights.batch.acknowledge", n=3)]
    button.click().run()
    assert not at.exception, at.exception
    assert tr("lights.batch.acknowledged", n=3) in texts(at.success)
    with Session(seeded) as s:
        assert [s.get(Alert, a.id).status for a in alerts] == ["acknowledged"] * 3
    # the table starts with nothing ticked (old row numbers would point at other alerts)
    table = next(d for d in at.dataframe if d.key and d.key.startswith("lc_table"))
    assert table.key.endswith("_1")


def test_export_holds_every_row_the_filter_selects_and_says_how(seeded):
    with Session(seeded) as s:
        user = s.execute(select(User).where(User.username == "prov_supervisor")).scalar_one()
        scope = scope_for(user, session=s)
        n_red = s.execute(select(func.count()).select_from(Alert)
                          .where(Alert.level == "red")).scalar_one()
    ctx = UserContext(user.username, user.display_name, ("supervisor",), user.region_code, None, scope)
    sheets = alerts_export(ctx, AlertFilter(levels=("red",)), engine=seeded, region_name="辽宁省")
    about, rows = sheets.values()
    assert list(sheets) == [tr("core.export.about_sheet"), tr("lights.centre.sheet")]
    assert rows.height == n_red
    facts = dict(about.iter_rows())
    assert facts[tr("core.export.rows")] == str(n_red)
    assert facts[tr("core.export.completeness")] == tr("core.export.complete")
    assert facts[tr("lights.f.level")] == tr("lights.level.red")
    assert facts[tr("lights.f.region")] == "辽宁省"
    assert facts[tr("lights.f.status")] == tr("core.export.any")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", facts[tr("core.export.exported_at")])
    assert facts[tr("core.export.exported_by")] == user.display_name
    # a region picked by code (a shared link) is named in the export, never left as a code
    sheets = alerts_export(ctx, AlertFilter(region_code="210100"), engine=seeded)
    assert dict(next(iter(sheets.values())).iter_rows())[tr("lights.f.region")] == "沈阳市"


def test_facts_never_read_none_or_midnight():
    text = facts_text("NO-SUCH-RULE", json.dumps({"finished_on": None, "received_at": "2026-11-02 00:00:00"}))
    assert "None" not in text and "00:00:00" not in text
    assert text.endswith("：2026-11-02")

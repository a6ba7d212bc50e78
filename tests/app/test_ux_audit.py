"""Issue 16: the audit log opens on the last 30 China days (today in Beijing, whatever the
server's zone) and reads in words: actions named, changes as "key: value", no raw JSON."""

from __future__ import annotations

import re
from datetime import timedelta

from core.clock import china_today
from i18n import translate
from tests.app.helpers import login, open_page
from ui.platform.admin_tables import change_text


def tr(key: str) -> str:
    return translate(key, "zh_CN")


def test_audit_log_opens_on_china_today_with_actions_in_words(seeded):
    at = open_page(login("admin"), "pages/platform/audit_log.py")
    assert not at.exception, at.exception
    today = china_today()
    assert tuple(at.date_input[0].value) == (today - timedelta(days=30), today)
    table = at.dataframe[0].value
    actions = set(table[tr("audit.action")])
    assert tr("audit.act.auth.login") in actions  # this very login, today in Beijing
    assert "auth.login" not in actions
    assert not any(str(v).startswith("{") for v in table[tr("audit.col_after")])
    # every recorded field is named in words, not by its stored name (seed counts, logins …)
    raw = re.compile(r"(?:^|；|，|：)([a-z][a-z0-9_]*)[：=]")
    fields = {m for col in ("audit.col_before", "audit.col_after") for v in table[tr(col)]
              for m in raw.findall(str(v))}
    assert fields == set(), fields
    codes = {v for col in ("audit.col_before", "audit.col_after") for v in table[tr(col)]
             if re.search(r"状态：[a-z_]+", str(v))}
    assert codes == set(), codes


def test_changes_read_as_pairs_with_dashes():
    assert change_text('{"status": "open", "note": null}') == "状态：open；说明：—"
    # a field with no audit label is named by the upload template's column of that name
    assert change_text('{"promised_limit_days": 20}').split("：")[0] not in ("promised_limit_days", "")
    assert change_text(None) == "—"
    # a status code by its name, for the kind of thing the event is about
    assert change_text('{"status": "issued"}', "supervision_order") == "状态：已下发"
    assert change_text('{"status": "open"}', "alert") == f"状态：{tr('lights.status.open')}"
    # booleans in words, not Python's True/False; a count of 0 stays 0
    assert change_text('{"note": true, "status": false, "no": 0}') == "说明：是；状态：否；编号：0"


def test_every_field_the_demo_recorded_has_a_name(seeded):
    """All of the demo's audit events (seeds, imports, logins, periods), whatever their date."""
    import json

    from sqlalchemy import text

    with seeded.connect() as conn:
        rows = conn.execute(text("SELECT before, after FROM audit_event")).all()
    keys: set[str] = set()

    def walk(value: object) -> None:
        if isinstance(value, dict):
            keys.update(value)
            for v in value.values():
                walk(v)

    for before, after in rows:
        for raw in (before, after):
            walk(json.loads(raw) if raw else None)
    assert len(keys) > 40
    unnamed = {k for k in keys if change_text(json.dumps({k: 1})).startswith(f"{k}：")}
    assert unnamed == set(), unnamed

"""Issue 16: the audit log opens on the last 30 China days (today in Beijing, whatever the
server's zone) and reads in words: actions named, changes as "key: value", no raw JSON."""

from __future__ import annotations

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


def test_changes_read_as_pairs_with_dashes():
    assert change_text('{"status": "open", "note": null}') == "status：open；note：—"
    assert change_text(None) == "—"

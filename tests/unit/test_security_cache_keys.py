"""Issue 17: the database password never goes into a Streamlit cache key."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import ui.platform.db as db

ROOT = Path(__file__).resolve().parents[2]


def test_cache_key_masks_the_password(monkeypatch):
    url = "postgresql+psycopg://fivesys:S3cret-pw@db.internal:5432/prod"
    monkeypatch.setattr(db, "get_settings", lambda: SimpleNamespace(database_url=url))
    key = db.cache_key()
    assert "S3cret-pw" not in key
    assert key == "postgresql+psycopg://fivesys:***@db.internal:5432/prod"


def test_no_page_or_ui_module_renders_the_password():
    offenders = [str(p.relative_to(ROOT)) for folder in ("ui", "pages") for p in (ROOT / folder).rglob("*.py")
                 if re.search(r"hide_password\s*=\s*False", p.read_text(encoding="utf-8"))]
    assert offenders == []

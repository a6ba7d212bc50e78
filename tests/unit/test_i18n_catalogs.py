"""Every key exists in both languages, and every literal key used in code exists."""

import re
from pathlib import Path

import pytest

from i18n import CATALOG_DIR, LANGUAGES, catalog, translate

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ["pages", "ui", "services", "data_checks", "metrics", "streamlit_app.py"]
# t("area.key") / error keys raised by services, e.g. UserError("users.err_roles")
KEY_PATTERN = re.compile(r"""(?:\bt|translate|Error|_key|key=)\(?\s*["']([a-z_0-9]+\.[a-zA-Z_0-9.]+)["']""")


def _source_files():
    for entry in SOURCE_DIRS:
        path = ROOT / entry
        yield from ([path] if path.is_file() else path.rglob("*.py"))


def test_same_files_in_every_language():
    names = {lang: sorted(p.name for p in (CATALOG_DIR / lang).glob("*.toml")) for lang in LANGUAGES}
    assert names["zh_CN"] == names["en"]


@pytest.mark.parametrize("other", [lang for lang in LANGUAGES if lang != "zh_CN"])
def test_same_keys_in_every_language(other):
    zh, en = set(catalog("zh_CN")), set(catalog(other))
    assert sorted(zh - en) == [], f"missing in {other}"
    assert sorted(en - zh) == [], "missing in zh_CN"


def test_placeholders_match():
    field = re.compile(r"{(\w+)}")
    zh, en = catalog("zh_CN"), catalog("en")
    bad = [k for k in zh if set(field.findall(zh[k])) != set(field.findall(en[k]))]
    assert bad == []


def test_every_literal_key_in_code_exists():
    known = set(catalog("zh_CN"))
    used = {}
    for path in _source_files():
        for key in KEY_PATTERN.findall(path.read_text(encoding="utf-8")):
            if key.split(".")[0] in {p.stem for p in (CATALOG_DIR / "zh_CN").glob("*.toml")}:
                used.setdefault(key, path.relative_to(ROOT).as_posix())
    assert {"home.title", "users.err_roles", "auth.wrong_credentials"} <= used.keys()  # the scan works
    missing = {k: v for k, v in used.items() if k not in known}
    assert missing == {}


def test_page_titles_exist():
    from ui.platform.navigation import PAGES

    known = set(catalog("zh_CN"))
    assert [p.title_key for p in PAGES if p.title_key not in known] == []
    assert [p.group_key for p in PAGES if p.group_key not in known] == []


def test_translate_formats_and_falls_back_to_key():
    assert translate("home.greeting", "zh_CN", name="张三", roles="领导") == "您好，张三（领导）。"
    assert translate("home.greeting", "en", name="Zhang", roles="Leader") == "Hello, Zhang (Leader)."
    assert translate("no.such_key", "en") == "no.such_key"

import pytest

from services.platform.settings import DEMO_COOKIE_KEY, Settings, SettingsError


def test_defaults_are_demo_on_sqlite(monkeypatch):
    for var in ("DATABASE_URL", "FIVESYS_DATABASE_URL", "FIVESYS_DEMO_MODE", "FIVESYS_AUTH_COOKIE_KEY"):
        monkeypatch.delenv(var, raising=False)
    s = Settings(_env_file=None)
    assert s.demo_mode is True
    assert s.database_url.startswith("sqlite:///") and s.database_url.endswith("data/fivesys.db")
    assert s.default_language == "zh_CN"
    assert (s.lockout_attempts, s.lockout_minutes) == (5, 15)
    assert (s.upload_max_mb, s.upload_max_rows) == (50, 500_000)
    s.check_startable()


def test_environment_overrides(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@h:5432/db")
    monkeypatch.setenv("FIVESYS_DEMO_MODE", "false")
    monkeypatch.setenv("FIVESYS_AUTH_COOKIE_KEY", "x" * 40)
    monkeypatch.setenv("FIVESYS_DEFAULT_LANGUAGE", "en")
    s = Settings(_env_file=None)
    assert (s.database_url, s.demo_mode, s.default_language) == ("postgresql://u@h:5432/db", False, "en")
    s.check_startable()


def test_refuses_demo_cookie_key_without_demo_mode(monkeypatch):
    monkeypatch.setenv("FIVESYS_DEMO_MODE", "false")
    monkeypatch.delenv("FIVESYS_AUTH_COOKIE_KEY", raising=False)
    s = Settings(_env_file=None)
    assert s.auth_cookie_key == DEMO_COOKIE_KEY
    with pytest.raises(SettingsError, match="demo key"):
        s.check_startable()


def test_env_file_is_read(tmp_path, monkeypatch):
    monkeypatch.delenv("FIVESYS_DEFAULT_LANGUAGE", raising=False)
    env = tmp_path / ".env"
    env.write_text("FIVESYS_DEFAULT_LANGUAGE=en\nFIVESYS_UPLOAD_MAX_ROWS=1000\n", encoding="utf-8")
    s = Settings(_env_file=env)
    assert (s.default_language, s.upload_max_rows) == ("en", 1000)


def test_rejects_unknown_language(monkeypatch):
    monkeypatch.setenv("FIVESYS_DEFAULT_LANGUAGE", "fr")
    with pytest.raises(SettingsError):
        Settings(_env_file=None).check_startable()


def test_markdown_escape_keeps_user_text_inert():
    from ui.platform.formatting import md_escape

    # a word joiner (U+2060) after "http:" keeps Markdown from autolinking the bare URL
    assert md_escape("![x](http://evil/x.png) **粗** :red[红]") == \
        "\\!\\[x\\]\\(http\\:\u2060//evil/x\\.png\\) \\*\\*粗\\*\\* \\:red\\[红\\]"
    assert md_escape(None) == ""

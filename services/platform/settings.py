"""Configuration from the environment or a `.env` file (pydantic-settings)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
# Only ever acceptable while demo mode is on; the app refuses to start with it otherwise.
DEMO_COOKIE_KEY = "fivesys-demo-cookie-key-not-for-production"
DEMO_PASSWORD = "Demo@2026"


class SettingsError(RuntimeError):
    """A setting that makes it unsafe or impossible to start."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="FIVESYS_", env_file=PROJECT_ROOT / ".env", extra="ignore"
    )

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'data' / 'fivesys.db'}",
        validation_alias=AliasChoices("DATABASE_URL", "FIVESYS_DATABASE_URL"),
    )
    demo_mode: bool = True
    demo_scale: str = "small"
    auth_cookie_key: str = DEMO_COOKIE_KEY
    auth_cookie_name: str = "fivesys_auth"
    auth_cookie_expiry_days: float = 1.0
    # The site is served over HTTPS (a reverse proxy in front): the login cookie gets `Secure`,
    # so the browser never sends it over plain HTTP. Off by default: the demo is plain HTTP on
    # 127.0.0.1, where a Secure cookie would not come back.
    https: bool = False
    # streamlit-authenticator sleeps this long before drawing the form (made to wait for its own
    # cookie, which is switched off: ui/platform/auth.py).
    auth_login_sleep_seconds: float = 0.0
    default_language: str = "zh_CN"
    lockout_attempts: int = 5
    lockout_minutes: int = 15
    # The installation secret (login cookie and audit chain keys): outside the repository
    # and the database; created on first use, mode 0600 (services.platform.keys).
    secret_file: str = str(PROJECT_ROOT / "data" / "installation.key")
    upload_max_mb: int = 50
    upload_max_rows: int = 500_000
    # The app's background sync worker (services.lights.queue): drains the lights' sync queue
    # and, on SQLite (the embedded default), runs the daily sweep when due. Off: run
    # `manage.py sync-alerts` / `manage.py sweep` from the system's scheduler instead.
    sync_worker: bool = True

    def check_startable(self) -> None:
        """Raise SettingsError when the app must not start with these settings."""
        if not self.demo_mode and self.auth_cookie_key == DEMO_COOKIE_KEY:
            raise SettingsError(
                "Demo mode is off but FIVESYS_AUTH_COOKIE_KEY is still the built-in demo key; "
                "set a long random FIVESYS_AUTH_COOKIE_KEY."
            )
        if len(self.auth_cookie_key) < 16:
            raise SettingsError("FIVESYS_AUTH_COOKIE_KEY must be at least 16 characters.")
        if self.default_language not in ("zh_CN", "en"):
            raise SettingsError("FIVESYS_DEFAULT_LANGUAGE must be zh_CN or en.")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()

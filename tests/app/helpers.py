"""AppTest helpers: start the app, log in through the real form, open pages."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from services.platform.settings import DEMO_PASSWORD

APP = str(Path(__file__).resolve().parents[2] / "streamlit_app.py")
TIMEOUT = 60


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.run()
    assert not at.exception, at.exception
    return at


def login(username: str, password: str = DEMO_PASSWORD) -> AppTest:
    at = new_app()
    at.text_input[0].input(username)
    at.text_input[1].input(password)
    at.button[0].click()
    at.run()
    assert not at.exception, at.exception
    return at


def open_page(at: AppTest, path: str) -> AppTest:
    at.switch_page(path)
    at.run()
    return at


def texts(elements) -> list[str]:  # noqa: ANN001
    return [e.value for e in elements]

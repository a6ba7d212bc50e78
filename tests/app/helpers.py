"""AppTest helpers: start the app, log in through the real form, open pages."""

from __future__ import annotations

import time
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from i18n import DEFAULT_LANGUAGE, translate
from models.db import session_scope
from models.users import User
from services.platform.settings import DEMO_PASSWORD
from ui.platform.background import NOTICE_KEYS

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


def when_ready(at: AppTest, timeout_s: float = 60) -> AppTest:
    """Rerun the page until no background computation's notice shows (its result is in)."""
    waiting = {translate(k, DEFAULT_LANGUAGE) for k in NOTICE_KEYS}
    for _ in range(int(timeout_s / 0.25)):
        if not any(i.value in waiting for i in at.info):
            return at
        time.sleep(0.25)
        at.run()
    raise AssertionError(f"still computing after {timeout_s} s: {[i.value for i in at.info]}")


def texts(elements) -> list[str]:  # noqa: ANN001
    return [e.value for e in elements]


def act(engine, service, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def stored_user(engine, username: str) -> User | None:  # noqa: ANN001
    """The ORM row, for what `UserPublic` keeps from pages (password hash, failure count)."""
    with Session(engine) as s:
        return s.execute(select(User).where(User.username == username)).scalar_one_or_none()

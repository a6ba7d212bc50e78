"""AppTest helpers: start the app, log in through the real form, open pages."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session
from streamlit.testing.v1 import AppTest

from models.db import session_scope
from models.users import User
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


def act(engine, service, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    """Call a service the way an edge does: in a unit of work that commits when it ends."""
    with session_scope(engine) as session:
        return service(*args, session=session, **kwargs)


def stored_user(engine, username: str) -> User | None:  # noqa: ANN001
    """The ORM row, for what `UserPublic` keeps from pages (password hash, failure count)."""
    with Session(engine) as s:
        return s.execute(select(User).where(User.username == username)).scalar_one_or_none()

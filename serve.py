"""The app with every system's HTTP routes beside it (the login cookie's /session/start and
/session/end, S5's Open311 GeoReport v2 under /open311/v2/): `streamlit run serve.py` finds the
ASGI app below and serves it with uvicorn; the Streamlit pages are those of streamlit_app.py,
which keep logins in an HttpOnly cookie only when served this way."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

import startup
from core.manifest import resolve
from services.platform import login_routes
from systems import SYSTEMS

startup.boot()


def system_routes() -> list:
    """The ROUTES of every system of the manifest that declares `routes=`."""
    return [route for system in SYSTEMS if system.routes for route in resolve(system.routes).ROUTES]


app = st.App(str(Path(__file__).with_name("streamlit_app.py")), routes=system_routes())
# the app may now send a browser through /session/start to store its login cookie
login_routes.mark_served()

"""Who is using this session: set by the entry file each run, read by pages."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from services.platform.scope import Scope
from ui.platform.i18n import t

CTX_KEY = "user_ctx"


@dataclass(frozen=True)
class UserContext:
    username: str
    display_name: str
    roles: tuple[str, ...]
    region_code: str
    department_id: int | None
    scope: Scope

    def has_any(self, *roles: str) -> bool:
        return any(r in self.roles for r in roles)


def set_user(ctx: UserContext | None) -> None:
    st.session_state[CTX_KEY] = ctx


def current_user() -> UserContext | None:
    return st.session_state.get(CTX_KEY)


def require_user(*roles: str) -> UserContext:
    """The logged-in user, who must hold one of `roles` if any are given; stops the page
    otherwise (navigation already hides it; this guards direct calls)."""
    ctx = current_user()
    if ctx is None:
        st.error(t("core.err_login_required"))
        st.stop()
    if roles and not ctx.has_any(*roles):
        st.error(t("core.err_forbidden"))
        st.stop()
    return ctx

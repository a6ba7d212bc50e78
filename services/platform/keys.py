"""The installation's secrets: kept in a file outside the repository and the database.

`installation_secret()` reads `FIVESYS_SECRET_FILE` (default `data/installation.key`, a
folder git ignores), creating it on first use with 48 random bytes, mode 0600. Two keys are
derived from it, one per purpose:

* the login cookie key (`cookie_key`): an explicit `FIVESYS_AUTH_COOKIE_KEY` of its own wins
  (servers that share logins); otherwise the installation's key. The public demo key never
  signs a login cookie, not even on the demo seed's own database, so a cookie hand-signed with
  it is refused everywhere;
* the audit chain key (`audit_key`): the chain is an HMAC over each event, so whoever can
  write the database but not read this file cannot recompute it after an edit."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from functools import lru_cache
from pathlib import Path

from sqlalchemy import select
from sqlmodel import Session

from models.audit import AuditEvent
from services.platform.settings import DEMO_COOKIE_KEY, Settings

SECRET_BYTES = 48


class SecretFileError(RuntimeError):
    """The installation secret cannot be read or is not private."""


def _create(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process created it first: use theirs
        return
    with os.fdopen(fd, "wb") as fh:
        fh.write(secrets.token_bytes(SECRET_BYTES))


@lru_cache(maxsize=4)
def installation_secret(path: Path) -> bytes:
    if not path.exists():
        _create(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise SecretFileError(f"{path} must be readable by its owner only (chmod 600); it is {mode:o}")
    data = path.read_bytes()
    if len(data) < 32:
        raise SecretFileError(f"{path} holds {len(data)} bytes; at least 32 are needed")
    return data


def _derive(settings: Settings, purpose: str) -> bytes:
    return hmac.new(installation_secret(Path(settings.secret_file)), purpose.encode(),
                    hashlib.sha256).digest()


def audit_key(settings: Settings) -> bytes:
    return _derive(settings, "fivesys audit chain v1")


def contact_key(settings: Settings) -> bytes:
    """The key of citizens' contacts (S5): hashed and encrypted, never stored in clear."""
    return _derive(settings, "fivesys citizen contact v1")


def is_demo_database(*, session: Session) -> bool:
    """True when the demo seed created this database (it writes `seed.org` as `system`)."""
    return session.execute(
        select(AuditEvent.id).where(AuditEvent.action == "seed.org",
                                    AuditEvent.actor == "system").limit(1)
    ).first() is not None


def cookie_key(settings: Settings) -> bytes:
    """The HMAC key of the login cookie (services.platform.login_session)."""
    if settings.auth_cookie_key and settings.auth_cookie_key != DEMO_COOKIE_KEY:
        return settings.auth_cookie_key.encode()
    return _derive(settings, "fivesys login cookie v1")

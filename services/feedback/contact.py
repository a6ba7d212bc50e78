"""The citizen's contact, never in clear in the database: a keyed hash (repeat detection by
"same contact"), a Fernet cipher (the handling department reads it back) and a mask
(138****5678) for everyone else. The public query code is stored as a hash too.

The key comes from FIVESYS_CONTACT_KEY when set (any text), else it is derived from the
installation secret (services.platform.keys): never a key written in the repository.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken

from services.platform.keys import contact_key
from services.platform.settings import get_settings

_NOT_DIGIT = re.compile(r"[^0-9]")


@lru_cache(maxsize=4)
def _keys(secret: str) -> tuple[bytes, Fernet]:
    raw = hashlib.sha256(secret.encode()).digest()
    mac_key = hashlib.sha256(b"hash:" + raw).digest()
    return mac_key, Fernet(base64.urlsafe_b64encode(hashlib.sha256(b"enc:" + raw).digest()))


def _secret() -> str:
    explicit = os.environ.get("FIVESYS_CONTACT_KEY")
    if explicit:
        return explicit
    return contact_key(get_settings()).hex()


def normalise(contact: str) -> str:
    """Digits only for phone numbers (+86 and separators dropped); other text trimmed, lower."""
    text = (contact or "").strip()
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) >= 7 and len(digits) >= len(text.replace(" ", "")) - 4:
        return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits
    return text.lower()


def contact_hash(contact: str) -> str | None:
    norm = normalise(contact)
    if not norm:
        return None
    mac_key, _ = _keys(_secret())
    return hmac.new(mac_key, norm.encode(), hashlib.sha256).hexdigest()


def encrypt(contact: str) -> str | None:
    norm = (contact or "").strip()
    if not norm:
        return None
    return _keys(_secret())[1].encrypt(norm.encode()).decode()


def decrypt(cipher: str | None) -> str:
    if not cipher:
        return ""
    try:
        return _keys(_secret())[1].decrypt(cipher.encode()).decode()
    except InvalidToken:
        return ""


def mask(contact: str) -> str:
    """138****5678 for a mobile number; first and last characters only for anything else."""
    norm = normalise(contact)
    if not norm:
        return ""
    if norm.isdigit() and len(norm) >= 7:
        return f"{norm[:3]}****{norm[-4:]}"
    return f"{norm[0]}***{norm[-1]}" if len(norm) > 2 else "***"


def new_query_code() -> str:
    """Six characters a citizen can read out on the phone (no 0/O, 1/I)."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
    return "".join(secrets.choice(alphabet) for _ in range(6))


def query_hash(ticket_no: str, code: str) -> str:
    return hashlib.sha256(f"{ticket_no}:{code.strip().upper()}".encode()).hexdigest()

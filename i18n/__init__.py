"""Message catalogs: i18n/<lang>/<area>.toml, nested tables flattened to dotted keys.

Each area (core, org, users, ...) keeps its own file so systems can add strings without
touching each other's catalogs. A test fails when a key exists in one language only."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGUAGES: tuple[str, ...] = ("zh_CN", "en")
DEFAULT_LANGUAGE = "zh_CN"
CATALOG_DIR = Path(__file__).resolve().parent


def _flatten(table: dict, prefix: str = "") -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in table.items():
        full = f"{prefix}{key}"
        if isinstance(value, dict):
            out.update(_flatten(value, f"{full}."))
        else:
            out[full] = str(value)
    return out


@lru_cache(maxsize=len(LANGUAGES))
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGUAGES:
        raise KeyError(f"unknown language {lang!r}")
    merged: dict[str, str] = {}
    for path in sorted((CATALOG_DIR / lang).glob("*.toml")):
        with path.open("rb") as fh:
            merged.update(_flatten(tomllib.load(fh), f"{path.stem}."))
    return merged


def translate(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: object) -> str:
    """The message for `key` in `lang`, formatted with `params`; the key itself if missing
    (visible in the UI, and caught by the catalog test)."""
    text = catalog(lang).get(key)
    if text is None:
        return key
    return text.format(**params) if params else text

"""Display helpers: times in Asia/Shanghai, role and level names in the user's language."""

from __future__ import annotations

import math
import re
from datetime import datetime

import polars as pl

from core.clock import CHINA_TZ  # noqa: F401  (re-exported for pages)
from i18n import catalog
from ui.platform.i18n import current_language, t


def local_time(ts: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if ts is None:
        return ""
    return ts.astimezone(CHINA_TZ).strftime(fmt)


def share_text(fraction: float | None) -> str:
    """A share (0..1) in percent with one decimal, cut down, never rounded up: 99.98 % reads
    99.9 %, not a 100.0 % that is not true; only a whole reads 100.0 %. None reads "—"."""
    if fraction is None:
        return "—"
    if fraction >= 1:
        return f"{fraction * 100:.1f}%"
    # round first so that 0.57 (569.999… tenths of a percent in binary) stays 57.0 %
    return f"{math.floor(round(fraction * 1000, 6)) / 10:.1f}%"


def role_names(roles: str | list[str]) -> str:
    items = roles.split(",") if isinstance(roles, str) else roles
    return "、".join(t(f"core.role.{r}") for r in items if r)


def no_nulls(frame: pl.DataFrame) -> pl.DataFrame:
    """Every missing value as a dash: st.dataframe prints a null as "None"."""
    cols = [c for c in frame.columns if frame[c].null_count()]
    return frame.with_columns(pl.col(c).cast(pl.String).fill_null("—") for c in cols)


def kind_name(kind: str) -> str:
    """A department kind (fgw, zrzy, …) by its name; an unknown kind as recorded."""
    key = f"org.kind.{kind}"
    return t(key) if key in catalog(current_language()) else kind


def level_name(level: str) -> str:
    return t(f"org.level.{level}")


_MD_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()<>#+-.!|~:$"})


_WJ = "\u2060"  # WORD JOINER: invisible, but no autolink spans it
_AUTOLINK = re.compile(r"(?i)(\b(?:https?|ftp|mailto)\\:|\bwww)")


def md_escape(value: object) -> str:
    """User text inside st.markdown: escape Markdown so it shows as typed (no links, images,
    emphasis or colour directives sneak in). Bare URLs are broken with an invisible word
    joiner after the scheme or `www`, since GFM autolinks them whatever is escaped."""
    return _AUTOLINK.sub(lambda m: m.group(1) + _WJ,
                         str(value if value is not None else "").translate(_MD_SPECIAL))

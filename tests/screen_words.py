"""What must never reach a user's screen in the Chinese UI (issue 16), shared by the AppTest walk
and the browser walk: raw status / kind codes (taken from the code's own enums, so a new status
is checked the day it is added), emoji, and 6-digit region codes standing alone."""

from __future__ import annotations

import re

from core.statuses import ALERT_STATUSES, CASE_STATUSES, ORDER_STATUSES
from metrics.feedback.flow import ACTIONS as FEEDBACK_ACTIONS
from metrics.feedback.flow import STATUSES as FEEDBACK_STATUSES
from metrics.lights.board import LEVELS as LIGHT_LEVELS
from models import esupervision, feedback, performance, power, trading
from models.org import RegionLevel

_CODE_LISTS = (
    ALERT_STATUSES, ORDER_STATUSES, CASE_STATUSES, LIGHT_LEVELS, power.POWER_STATUSES, esupervision.CHANNELS,
    feedback.CHANNELS, feedback.URGENCIES, feedback.SATISFACTION, FEEDBACK_STATUSES,
    FEEDBACK_ACTIONS, trading.DOMAINS, trading.METHODS, trading.TENDER_STATUSES,
    trading.BID_STATUSES, trading.AWARD_STATUSES, trading.CONTRACT_STATUSES,
    trading.AWARD_CRITERIA, trading.CATEGORIES, performance.METHODS, performance.SOURCES,
    performance.PERIOD_KINDS, performance.PERIOD_STATUSES, performance.VERSION_STATUSES,
    performance.MANUAL_STATUSES, tuple(RegionLevel),
)
# Lower-case identifiers only: "12345" is a hotline's real name, grades A-D are shown as such.
RAW_CODES: frozenset[str] = frozenset(
    str(c) for codes in _CODE_LISTS for c in codes if re.fullmatch(r"[a-z][a-zA-Z_]*", str(c)))
# a word of an English phrase ("Single bid received", a cited indicator's name) is not a code
_RAW_CODE = re.compile(r"(?<![A-Za-z0-9_./@:-])(?<![A-Za-z] )("
                       + "|".join(sorted(RAW_CODES, key=len, reverse=True))
                       + r")(?![A-Za-z0-9_@/\\-])(?! [A-Za-z])")
# Emoji blocks (pictographs, symbols, dingbats, flags); CJK punctuation is outside them.
EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F]")
# standing alone: not inside a longer number, identifier or name ("210102农业发展有限公司")
REGION_CODE = re.compile(r"(?<![0-9A-Za-z.\-\u4e00-\u9fff])(2[1-9]\d{4})(?![0-9A-Za-z.\-\u4e00-\u9fff])")


def raw_codes(text: str) -> list[str]:
    """Raw codes standing as words in `text` (Chinese UI: any ASCII identifier of an enum)."""
    return sorted(set(_RAW_CODE.findall(text)))


def emoji(text: str) -> list[str]:
    return sorted(set(EMOJI.findall(text)))


def region_codes(text: str, known: dict[str, str]) -> list[str]:
    """6-digit numbers standing alone that are region codes of the database (`known`: code ->
    name), unless the region's name is shown with it ("辽宁省（210000）")."""
    return sorted({c for c in REGION_CODE.findall(text) if c in known and known[c] not in text})

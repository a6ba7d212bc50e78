"""Cardinal's INI settings, parsed from text (the `indicators` command's part of them).

Keys before the first section are global (`currency`, `price_comparison_procurement_methods`,
`no_price_comparison_procurement_methods`); `[exclusions] procurement_method_details`; one
section per indicator (`[R003]` …), and an indicator runs only if its section exists, even
empty. `[R003.procurement_method_details]` maps a procurementMethodDetails value to its own
threshold in days (and makes `[R003]` exist). Sections of Cardinal's `prepare` command
(`defaults`, `codelists.*`, `redactions`, `corrections`, `modifications`) are accepted and
ignored here."""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field
from typing import Any

INDICATORS: tuple[str, ...] = ("R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036",
                               "R038", "R044", "R048", "R058")
_PREPARE = ("defaults", "redactions", "corrections", "modifications", "codelists")
_KEYS: dict[str, dict[str, type]] = {
    "R003": {"threshold": int, "procurement_methods": str},
    "R018": {"procurement_methods": str},
    "R024": {"threshold": float},
    "R025": {"percentile": int, "threshold": float},
    "R028": {}, "R030": {}, "R036": {}, "R044": {},
    "R035": {"threshold": int},
    "R038": {"threshold": float, "minimum_submitted_bids": int,
             "minimum_contracting_processes": int},
    "R048": {"digits": int, "threshold": int, "minimum_contracting_processes": int},
    "R058": {"threshold": float},
}
_GLOBAL = ("currency", "price_comparison_procurement_methods",
           "no_price_comparison_procurement_methods")
_ROOT = "__cardinal_root__"


class SettingsError(ValueError):
    pass


def pipe_set(value: str | None) -> frozenset[str]:
    """Rust's `split_terminator('|')`: a trailing separator adds no empty item."""
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts and parts[-1] == "":
        parts = parts[:-1]
    return frozenset(parts)


@dataclass(frozen=True)
class Settings:
    currency: str | None = None
    price_comparison: frozenset[str] = frozenset()
    no_price_comparison: frozenset[str] = frozenset()
    exclude_details: frozenset[str] = frozenset()
    # indicator -> its keys (typed); present only for the sections that exist
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    r003_details: dict[str, int] = field(default_factory=dict)

    def on(self, code: str) -> bool:
        return code in self.sections

    def get(self, code: str, key: str, default: Any = None) -> Any:
        return self.sections.get(code, {}).get(key, default)


def _typed(section: str, key: str, raw: str, kind: type) -> Any:
    try:
        if kind is int:
            value = int(raw.strip())
            if value < 0 and section != "R003":
                raise ValueError
            return value
        if kind is float:
            return float(raw.strip())
    except ValueError:
        raise SettingsError(f"[{section}] {key}: invalid value {raw!r}") from None
    return raw.strip()


def parse_settings(text: str) -> Settings:
    parser = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None,
                                       comment_prefixes=(";", "#"), strict=False)
    parser.optionxform = str  # keys keep their case (procurementMethodDetails values)
    try:
        parser.read_string(f"[{_ROOT}]\n" + text)
    except configparser.Error as e:
        raise SettingsError(str(e)) from None
    sections: dict[str, dict[str, Any]] = {}
    r003_details: dict[str, int] = {}
    exclusions: frozenset[str] = frozenset()
    for name in parser.sections():
        values = dict(parser.items(name))
        if name == _ROOT:
            unknown = set(values) - set(_GLOBAL)
            if unknown:
                raise SettingsError(f"unknown setting(s): {sorted(unknown)}")
            continue
        if name == "exclusions":
            exclusions = pipe_set(values.get("procurement_method_details"))
            continue
        if name == "R003.procurement_method_details":
            r003_details = {k: _typed(name, k, v, int) for k, v in values.items()}
            sections.setdefault("R003", {})
            continue
        if name.split(".")[0] in _PREPARE:
            continue
        if name not in _KEYS:
            raise SettingsError(f"unknown section [{name}]")
        typed = sections.setdefault(name, {})
        for key, raw in values.items():
            if key not in _KEYS[name]:
                raise SettingsError(f"[{name}] unknown key {key!r}")
            typed[key] = _typed(name, key, raw, _KEYS[name][key])
    root = dict(parser.items(_ROOT))
    return Settings(
        currency=root.get("currency"),
        price_comparison=pipe_set(root.get("price_comparison_procurement_methods")),
        no_price_comparison=pipe_set(root.get("no_price_comparison_procurement_methods")),
        exclude_details=exclusions, sections=sections, r003_details=r003_details)

"""The shapes of the systems manifest (`systems.py`): what a system declares once.

Plain data: pages are paths, the rest are dotted names (`package.module` or
`package.module:attribute`) that `startup.boot()` imports, so the manifest itself depends on
nothing and every layer may read it."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

EVERYONE = frozenset({"admin", "leader", "data_officer", "evaluator", "supervisor"})


@dataclass(frozen=True)
class PageSpec:
    path: str                      # e.g. "pages/power/catalog.py"
    url_path: str                  # stable URL, e.g. "power_catalog" (links and bookmarks)
    title_key: str
    icon: str
    group_key: str
    roles: frozenset[str] = EVERYONE
    public: bool = False           # readable without login


@dataclass(frozen=True)
class System:
    key: str                       # package name in every layer: power, esupervision, ...
    code: str                      # "S1" … "S5"; "" for the platform, "LC" for the lights
    i18n_area: str                 # i18n/<lang>/<area>.toml
    pages: tuple[PageSpec, ...] = ()
    rules: str | None = None       # module with RULES: tuple[Rule, ...]
    loaders: str | None = None     # module with LOADERS: dict[str, Loader] (and GROUPS, optional)
    kinds: str | None = None       # module with KINDS: tuple[UploadKind, ...]
    seed: str | None = None        # "module:function(session, scale=...) -> counts"
    seed_name: str = ""            # the step's name in seed-demo's report (default: key)
    # "module:function(session, actor, prepared)" run inside every import's transaction
    after_import: tuple[str, ...] = ()
    cockpit: str | None = None     # "module:function(scope)" drawing the system's cockpit section
    commands: str | None = None    # "module:function(subparsers)" adding the system's manage.py commands
    score_metrics: str | None = None  # module with SCORE_METRICS: tuple[ScoreMetric, ...] (S3 reads them)
    routes: str | None = None      # module with ROUTES: list of Starlette routes served beside the app
    # (subject_type, page url_path, query key): where an alert's subject opens, e.g.
    # ("approval_case", "supervision_cases", "case") -> /supervision_cases?case=<subject_id>
    subject_links: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class ScoreMetric:
    """A figure of one system that the performance system (S3) can score an indicator on.

    `compute` names "module:function(*, session, start, end) -> polars frame" with one row per
    department: department_id (Int64), value (Float64, null when there is nothing to measure),
    numerator and denominator (Float64, the counts behind a rate; null for a plain count).
    A department without a row scores 0 on a "count" metric (nothing happened) and is missing
    on any other unit (the indicator's missing-input rule applies).
    `records` names "module:function(*, session, department_id, start, end) -> polars frame":
    the records behind that department's value (for the score drill-down), with a `link`
    column (the page URL path and query of each record) where a page shows it."""

    key: str                       # "<system>.<metric>", e.g. "esupervision.on_time_rate"
    system: str                    # the System.key that owns it
    title_key: str                 # i18n: name
    definition_key: str            # i18n: the formula in words
    unit: str                      # "rate" (0..1), "count", "days", "yuan"
    higher_is_better: bool
    compute: str
    records: str | None = None


def resolve(name: str) -> Any:
    """`package.module` -> the module; `package.module:attr` -> the attribute."""
    module, _, attr = name.partition(":")
    mod = importlib.import_module(module)
    return getattr(mod, attr) if attr else mod

"""The shapes of the systems manifest (`systems.py`): what a system declares once.

Plain data: pages are paths, the rest are dotted names (`package.module` or
`package.module:attribute`) that `startup.boot()` imports, so the manifest itself depends on
nothing and every layer may read it."""

from __future__ import annotations

from dataclasses import dataclass, field

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
    loaders: str | None = None     # module with LOADERS: dict[str, Loader]
    kinds: str | None = None       # module with KINDS: tuple[UploadKind, ...]
    seed: str | None = None        # "module:function(session, scale=...) -> counts"
    seed_name: str = ""            # the step's name in seed-demo's report (default: key)
    after_import: tuple[str, ...] = ()  # "module:function(engine, actor)" run after an import
    cockpit: str | None = None     # "module:function(scope)" drawing the system's cockpit section
    extra: dict[str, str] = field(default_factory=dict)  # later registries (e.g. score metrics)

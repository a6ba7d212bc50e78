"""The layout contract of issue 10, checked cheaply: the manifest names files and modules that
exist where the layout puts them, every registry is filled from the manifest and from nothing
else, `systems.py` and `core` stay dependency-free, modules stay under 300 lines, and the lock
(constraints.txt) pins every requirement at the version the requirements files pin.
import-linter (pyproject.toml, `lint-imports`) checks the imports between the layers."""

from __future__ import annotations

import ast
import importlib.metadata as metadata
import re
import sys
import tomllib
from datetime import date, datetime
from pathlib import Path

import polars as pl
import pytest
from packaging.requirements import Requirement

import systems
from core.manifest import System, resolve
from data_checks.kinds import all_kinds
from metrics.lights.registry import RULES
from services.lights.inputs import LOADERS
from services.platform.demo import SEED_STEPS
from services.platform.ingest import IMPORT_HOOKS

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("zh_CN", "en")
MAX_LINES = 300
# Modules still over MAX_LINES while their split is under way this round (owner after #).
# The test fails when one of them drops under the limit, so the list only shrinks.
BEING_SPLIT = {
    "manage.py",                         # the CLI grew this round (REFAC-A, SECURITY)
    "metrics/trading/cardinal.py",       # TRADING, split under way (cardinal_*.py)
}
PRODUCTION_DIRS = ("core", "models", "metrics", "data_checks", "services", "ui", "pages", "i18n")
PRODUCTION_FILES = ("systems.py", "startup.py", "manage.py", "streamlit_app.py")
FIRST_PARTY = {"core", "models", "metrics", "data_checks", "services", "ui", "pages", "i18n",
               "systems", "startup", "manage", "streamlit_app"}


def _systems() -> tuple[System, ...]:
    return systems.SYSTEMS


def _module_path(dotted: str) -> Path:
    base = ROOT.joinpath(*dotted.partition(":")[0].split("."))
    return base.with_suffix(".py") if base.with_suffix(".py").is_file() else base / "__init__.py"


def test_menu_and_seed_order_hold_the_same_systems_once():
    keys = [s.key for s in systems.SYSTEMS]
    assert len(keys) == len(set(keys))
    assert sorted(keys) == sorted(s.key for s in systems.MENU_ORDER)
    assert keys[0] == "platform"
    codes = [s.code for s in systems.SYSTEMS if s.code]
    assert len(codes) == len(set(codes))


def test_every_manifest_page_exists_under_its_system_folder():
    urls = [p.url_path for p in systems.all_pages()]
    assert len(urls) == len(set(urls)), "two pages share a URL path"
    for system in _systems():
        for page in system.pages:
            assert (ROOT / page.path).is_file(), f"{system.key}: {page.path} does not exist"
            assert page.path.startswith(f"pages/{system.key}/"), f"{page.path} is outside pages/{system.key}/"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_system_has_its_i18n_area_in_both_languages(language):
    for system in _systems():
        path = ROOT / "i18n" / language / f"{system.i18n_area}.toml"
        assert path.is_file(), f"{system.key}: i18n/{language}/{system.i18n_area}.toml is missing"


def test_manifest_names_live_in_the_system_package_of_their_layer():
    for s in _systems():
        expected = {
            "rules": f"metrics.{s.key}.", "loaders": f"services.{s.key}.",
            "kinds": f"data_checks.kinds.{s.key}", "seed": f"services.{s.key}.",
            "cockpit": f"ui.{s.key}.", "commands": f"services.{s.key}.",
            "score_metrics": f"services.{s.key}.", "routes": f"services.{s.key}.",
        }
        for field, prefix in expected.items():
            name = getattr(s, field)
            if name:
                assert name.startswith(prefix), f"{s.key}.{field} = {name!r} is not under {prefix}"
                assert _module_path(name).is_file(), f"{s.key}.{field}: {name} has no module file"
        for hook in s.after_import:
            assert hook.startswith(f"services.{s.key}."), hook


def test_every_manifest_name_resolves_to_what_the_registry_expects():
    for s in _systems():
        if s.rules:
            assert isinstance(resolve(s.rules).RULES, tuple) and resolve(s.rules).RULES
        if s.loaders:
            assert isinstance(resolve(s.loaders).LOADERS, dict) and resolve(s.loaders).LOADERS
        if s.kinds:
            assert isinstance(resolve(s.kinds).KINDS, tuple) and resolve(s.kinds).KINDS
        if s.score_metrics:
            assert all(m.system == s.key for m in resolve(s.score_metrics).SCORE_METRICS)
        for name in (s.seed, s.cockpit, s.commands, *s.after_import):
            if name:
                assert ":" in name and callable(resolve(name)), name


def test_every_registry_is_filled_from_the_manifest_and_nothing_else():
    # tests/conftest.py has run startup.boot(), as the app and the CLI do.
    declared_rules = {r.id for s in _systems() if s.rules for r in resolve(s.rules).RULES}
    assert set(RULES) == declared_rules
    declared_loaders = {n for s in _systems() if s.loaders for n in resolve(s.loaders).LOADERS}
    assert set(LOADERS) == declared_loaders
    declared_kinds = {k.key for s in _systems() if s.kinds for k in resolve(s.kinds).KINDS}
    assert {k.key for k in all_kinds()} == declared_kinds
    assert [name for name, _ in SEED_STEPS] == [s.seed_name or s.key for s in _systems() if s.seed]
    assert [fn for _, fn in SEED_STEPS] == [resolve(s.seed) for s in _systems() if s.seed]
    assert IMPORT_HOOKS == [resolve(h) for s in _systems() for h in s.after_import]


SHARED = {"platform", "lights"}
READS_ALL = {"performance"}


def test_every_system_has_its_import_contracts():
    """A new system is covered by the import contracts (pyproject.toml) from its first line:
    shared code never imports it, and it imports only what its own contract allows."""
    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = contracts["tool"]["importlinter"]["contracts"]
    by_id = {c["id"]: c for c in contracts}
    shared = by_id["shared-no-systems"]
    own = {c["source_modules"][0].removeprefix("*."): c for c in contracts
           if c["type"] == "forbidden" and c["source_modules"][0].startswith("*.")
           and c["id"] != "shared-no-systems"}
    for s in _systems():
        if s.key in SHARED:
            continue
        assert f"*.{s.key}" in shared["forbidden_modules"], f"shared-no-systems must forbid *.{s.key}"
        if s.key not in READS_ALL:
            assert s.key in own, f"no import contract for the system {s.key}"
            others = {o.key for o in _systems()} - SHARED - {s.key}
            named = {m.removeprefix("*.") for m in own[s.key]["forbidden_modules"] if m.startswith("*.")}
            assert READS_ALL <= named, f"{s.key} must not import {sorted(READS_ALL)}"
            assert named <= others, f"{s.key}'s contract names an unknown system"


def _imported_roots(path: Path) -> set[str]:
    roots = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_manifest_imports_only_core_and_core_only_the_standard_library():
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    assert _imported_roots(ROOT / "systems.py") - stdlib == {"core"}
    for path in sorted((ROOT / "core").rglob("*.py")):
        assert _imported_roots(path) - stdlib <= {"core"}, f"{path.name} imports outside core"


def test_no_module_over_300_lines_outside_migrations():
    over = set()
    files = [p for d in PRODUCTION_DIRS for p in (ROOT / d).rglob("*.py")]
    files += [ROOT / f for f in PRODUCTION_FILES] + list((ROOT / "bench").glob("*.py"))
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        if "/migrations/" in rel:
            continue
        if len(path.read_text(encoding="utf-8").splitlines()) > MAX_LINES:
            over.add(rel)
    assert over - BEING_SPLIT == set(), f"split these by what they hold: {sorted(over - BEING_SPLIT)}"
    assert BEING_SPLIT - over == set(), f"now under {MAX_LINES} lines, drop from BEING_SPLIT: {sorted(BEING_SPLIT - over)}"


# the server's clock: its date is "yesterday" in China for eight hours a day on a UTC server
SERVER_CLOCK = re.compile(r"\b(?:date\.today|datetime\.today|datetime\.utcnow)\(\)|\bdatetime\.now\(\)")


def test_no_date_from_the_server_clock_outside_core_clock():
    """Issue 11: one China "today" (core/clock.py), never the server's date."""
    files = [p for d in PRODUCTION_DIRS for p in (ROOT / d).rglob("*.py")]
    files += [ROOT / f for f in PRODUCTION_FILES] + list((ROOT / "bench").glob("*.py"))
    found = [f"{p.relative_to(ROOT).as_posix()}:{i}: {line.strip()}"
             for p in files if p != ROOT / "core" / "clock.py"
             for i, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if SERVER_CLOCK.search(line.split("#")[0])]
    assert found == []


PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)(\[[^\]]*\])?==([^\s;#]+)")


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-r ") or line.startswith("-c "):
            continue
        match = PIN.match(line)
        assert match, f"{path.name}: {raw!r} is not pinned with =="
        name = re.sub(r"[-_.]+", "-", match[1]).lower()
        if ";" in line and "python_full_version >= '3.12'" in line:
            continue  # universal lock: the branch for Pythons this project does not run on
        pins[name] = match[3]
    return pins


def test_the_lock_pins_every_requirement_at_its_pinned_version():
    lock = _pins(ROOT / "constraints.txt")
    for req in ("requirements.txt", "requirements-dev.txt"):
        for name, version in _pins(ROOT / req).items():
            assert lock.get(name) == version, (
                f"{req}: {name}=={version} but constraints.txt has {lock.get(name)}; "
                "regenerate the lock (README, 'The two commands')")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _runtime_closure() -> set[str]:
    """requirements.txt and everything it pulls in (with the extras it asks for)."""
    todo = []
    for raw in (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            todo.append((req.name, frozenset(req.extras)))
    seen: set[str] = set()
    while todo:
        name, extras = todo.pop()
        key = _normal(name)
        for extra in extras:
            seen.add(f"{key}[{extra}]")
        if key in seen and not extras:
            continue
        seen.add(key)
        for spec in metadata.requires(name) or []:
            req = Requirement(spec)
            envs = [{"extra": e} for e in extras] or [{"extra": ""}]
            if req.marker is None or any(req.marker.evaluate(env) for env in envs):
                todo.append((req.name, frozenset(req.extras)))
    return {k for k in seen if "[" not in k}


def test_production_code_imports_only_runtime_requirements():
    """What the app and the CLI import comes with requirements.txt; test-only packages
    (pytest, playwright, openpyxl, …) stay in requirements-dev.txt."""
    stdlib = set(sys.stdlib_module_names) | {"__future__"}
    files = [p for d in PRODUCTION_DIRS for p in (ROOT / d).rglob("*.py")]
    files += [ROOT / f for f in PRODUCTION_FILES]
    third_party = set().union(*(_imported_roots(p) for p in files)) - stdlib - FIRST_PARTY
    distributions = metadata.packages_distributions()
    runtime = _runtime_closure()
    for module in sorted(third_party):
        dists = {_normal(d) for d in distributions.get(module, [])}
        assert dists, f"production code imports {module}, which no installed distribution provides"
        assert dists & runtime, f"production code imports {module} ({sorted(dists)}), not in requirements.txt"


def test_every_table_goes_through_data_table():
    """Issue 16: Streamlit draws a date column as "2026-12-04 00:00:00"; `data_table` gives each
    date column the date format, so no page may call `.dataframe(` itself."""
    calls = [f"{p.relative_to(ROOT)}:{n}" for folder in ("pages", "ui") for p in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"\.dataframe\(", line) and p.name != "tables.py"]
    assert calls == []


def test_date_columns_are_configured_as_dates_and_nothing_else():
    from ui.platform.tables import DATE_FORMAT, date_columns

    frame = pl.DataFrame({"d": [date(2026, 12, 4)], "t": [datetime(2026, 12, 4, 9)], "n": [1]})
    config = date_columns(frame)
    assert list(config) == ["d"] and (config["d"]["type_config"]["type"], config["d"]["type_config"]["format"]) == ("date", DATE_FORMAT)
    assert date_columns(frame.to_pandas()) == {}

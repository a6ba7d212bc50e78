"""A custom import-linter contract (named in pyproject.toml, `[tool.importlinter]`).

`no_tables`: the Streamlit layers (pages, ui) may import a system's vocabulary from `models`
(constants, enums, `XCreate` / `XPublic` schemas) but never a table class: they get public
models and frames from services, which own every read and write. import-linter sees modules
only, so this contract reads the importing files: a name imported from `models…` is a table
when some `models/**.py` declares `class Name(..., table=True)`; importing a models module
itself (`import models.org`, `from models import org`) counts too, as it hands over every table.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

from grimp import ImportGraph
from importlinter import Contract, ContractCheck, fields, output

ROOT = Path(__file__).resolve().parent.parent


def _source(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for path in (base.with_suffix(".py"), base / "__init__.py"):
        if path.is_file():
            return path
    return None


@cache
def table_classes(models_package: str) -> frozenset[str]:
    """Every `class X(..., table=True)` under the models package."""
    names: set[str] = set()
    for path in ROOT.joinpath(*models_package.split(".")).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and any(
                k.arg == "table" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            ):
                names.add(node.name)
    return frozenset(names)


def _models_submodules(models_package: str) -> set[str]:
    folder = ROOT.joinpath(*models_package.split("."))
    return {p.stem for p in folder.glob("*.py") if p.stem != "__init__"} | {
        p.name for p in folder.iterdir() if (p / "__init__.py").is_file()
    }


def table_imports(path: Path, models_package: str) -> list[tuple[int, str, str]]:
    """(line, imported module, name) for every table (or whole models module) the file imports."""
    tables = table_classes(models_package)
    submodules = _models_submodules(models_package)
    prefix = models_package + "."
    found: list[tuple[int, str, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == models_package or alias.name.startswith(prefix):
                    found.append((node.lineno, alias.name, "*"))
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module and (
            node.module == models_package or node.module.startswith(prefix)
        ):
            for alias in node.names:
                module_itself = node.module == models_package and alias.name in submodules
                if alias.name in tables or alias.name == "*" or module_itself:
                    found.append((node.lineno, node.module, alias.name))
    return found


class NoTableImportsContract(Contract):
    """Source modules never import a table class (or a whole module) from the models package.

    Options: source_modules (module expressions), models (the models package, e.g. `models`)."""

    type_name = "no_tables"

    source_modules = fields.SetField(subfield=fields.ModuleExpressionField())
    models = fields.StringField()

    def check(self, graph: ImportGraph, verbose: bool) -> ContractCheck:
        models_package = str(self.models)
        sources: set[str] = set()
        for expression in self.source_modules:  # type: ignore[attr-defined]
            matched = (graph.find_matching_modules(expression.expression)
                       if expression.has_wildcard_expression() else {expression.expression})
            for module in matched:
                sources |= {module} | graph.find_descendants(module)
        violations = []
        for module in sorted(sources):
            imported = graph.find_modules_directly_imported_by(module)
            if not any(m == models_package or m.startswith(models_package + ".") for m in imported):
                continue
            path = _source(module)
            if path is None:
                continue
            for line, target, name in table_imports(path, models_package):
                violations.append({"importer": module, "line": line, "imported": target, "name": name})
        return ContractCheck(kept=not violations, metadata={"violations": violations})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for v in check.metadata["violations"]:
            what = f"the module {v['imported']}" if v["name"] == "*" else f"the table {v['name']} from {v['imported']}"
            output.print_error(f"{v['importer']} (l.{v['line']}) imports {what}", bold=False)
        output.new_line()
        output.print("Read through a service and use its public model (XPublic) or frame instead.")

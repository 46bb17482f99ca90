"""The house a newcomer can read: layers by subpackage, no import cycles, small modules.

Every ``import`` in ``src/familyplan_docs`` counts, at module level or inside a function,
so a dependency cannot hide. The allowed layers are the ones each subpackage's
``__init__`` docstring states.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import familyplan_docs

PACKAGE = Path(familyplan_docs.__file__).parent
NAME = "familyplan_docs"

FOUNDATION = {
    "_errors", "_limits", "_kinds", "_text", "_files", "_ooxml", "_cache", "_version",
}  # fmt: skip
"""Modules every layer may use; they import nothing of the package but each other."""

LAYERS: dict[str, set[str]] = {
    "model": set(),
    "packs": {"model"},
    "netmap": {"model"},
    "render": {"model", "packs", "netmap"},
    "workbook": {"model", "packs"},
    "delivery": {"model", "packs", "render"},
    "authoring": {"model", "packs", "netmap", "render", "workbook", "delivery"},
    "service": {
        "model", "packs", "netmap", "render", "workbook", "delivery", "authoring",
        "_input", "_api", "_batch",
    },
}  # fmt: skip
"""Each subpackage and the subpackages it may import (besides itself and the foundation)."""

TOP = {"service": {"_cli", "_args"}}
"""Subpackages at the top, beside the API, and the only modules that may import them."""

IMPORTS_INSIDE_FUNCTIONS = {
    f"{NAME}._cli": "each command imports the stack it runs, so one command loads only that",
    f"{NAME}._api": "each job imports its stack (documents, PDF, workbook, calendar)",
    f"{NAME}._input": "load_plan imports the workbook reader only for a .xlsx file",
    f"{NAME}.service.start": "serve() imports the part that needs the optional web stack",
    f"{NAME}.render.documents": "python-docx and docxtpl (render.plain) only for a logo, "
    "the network map or a template the compiled engine leaves to docxtpl",
}
"""The only modules that import the package's own modules inside a function, and why: a
fresh process pays only for what it runs (README "Cold start"). ``__init__`` imports its
public names on first use through ``importlib`` (PEP 562), not with an import statement."""

MAX_LINES = 450


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join([NAME, *parts])] = path
    return found


MODULES = _modules()


def _imports(module: str, path: Path) -> set[str]:
    """Every module of the package that *module* imports, anywhere in its source."""
    is_package = path.name == "__init__.py"
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            for alias in node.names:
                target = f"{stem}.{alias.name}"
                found.add(target if target in MODULES else stem)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name in MODULES and name != module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_no_module_imports_its_way_back_to_itself() -> None:
    done: set[str] = set()
    cycles: list[str] = []

    def visit(module: str, path: list[str]) -> None:
        if module in path:
            cycles.append(" → ".join([*path[path.index(module) :], module]))
            return
        if module in done:
            return
        for target in sorted(GRAPH[module]):
            visit(target, [*path, module])
        done.add(module)

    for module in MODULES:
        visit(module, [])
    assert not cycles, "import cycles:\n" + "\n".join(sorted(set(cycles)))


def test_the_package_s_own_modules_are_imported_at_the_top_but_where_listed() -> None:
    wrong = []
    for module, path in MODULES.items():
        if module in IMPORTS_INSIDE_FUNCTIONS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                own = (isinstance(node, ast.ImportFrom) and node.level > 0) or (
                    isinstance(node, ast.ImportFrom | ast.Import)
                    and any(
                        (getattr(node, "module", None) or alias.name).startswith(NAME)
                        for alias in node.names
                    )
                )
                if own:
                    wrong.append(f"{module}:{node.lineno} (in {function.name})")
    assert not wrong, "import the package's own modules at the top: " + ", ".join(wrong)


def test_the_foundation_imports_nothing_above_it() -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _layer(module) in FOUNDATION
        for target in targets
        if _layer(target) not in FOUNDATION
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_a_subpackage_imports_only_the_layers_below_it(layer: str) -> None:
    allowed = LAYERS[layer] | FOUNDATION | {layer}
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _layer(module) == layer
        for target in targets
        if _layer(target) not in allowed
    ]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_each_subpackage_says_what_lives_there_and_what_it_may_import(layer: str) -> None:
    doc = ast.get_docstring(ast.parse((PACKAGE / layer / "__init__.py").read_text("utf-8")))
    assert doc and "Lives here" in doc and "May import" in doc


@pytest.mark.parametrize("layer", sorted(TOP))
def test_nothing_imports_a_top_subpackage_but_the_command_line(layer: str) -> None:
    wrong = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if _layer(module) not in {layer} | TOP[layer]
        for target in targets
        if _layer(target) == layer
    ]
    assert not wrong, "\n".join(wrong)


def test_the_subpackages_are_the_architecture() -> None:
    found = {p.parent.name for p in PACKAGE.glob("*/__init__.py")}
    assert set(LAYERS) <= found
    assert len(found) >= 5


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_is_too_long_to_read(module: str) -> None:
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{module} has {lines} lines; split it by concern"


def test_no_pack_text_is_filled_with_str_format() -> None:
    """Pack texts are untrusted: ``gettext(...).format(...)`` could raise or leak internals."""
    wrong = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            receiver = node.func.value
            if node.func.attr in {"format", "format_map"} and (
                isinstance(receiver, ast.Call)
                and isinstance(receiver.func, ast.Attribute)
                and receiver.func.attr in {"gettext", "catalog", "get"}
            ):
                wrong.append(f"{module}:{node.lineno}")
    assert not wrong, "use Pack.format (familyplan_docs._text.fill): " + ", ".join(wrong)

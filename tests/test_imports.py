"""A fresh process loads only what its command runs (README "Cold start").

Each check runs in a new interpreter and looks at ``sys.modules``: which stacks a command
imports is behaviour (it decides how long a cold process takes); the time is measured in
``benchmarks/bench_cold.py``, never asserted here.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import familyplan_docs
from familyplan_docs.packs.builtin import samples_root

HEAVY = (
    "matplotlib",
    "numpy",
    "openpyxl",
    "icalendar",
    "rich",
    "pikepdf",
    "docx",
    "docxtpl",
    "jinja2",
    "pydantic",
    "babel",
    "PIL",
)
SAMPLE = samples_root() / "da" / "familien-haddad.json"
INIT = Path(familyplan_docs.__file__)


def _loaded(code: str, cache: Path) -> set[str]:
    """The heavy stacks a fresh interpreter has imported after running *code*."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "FAMILYPLAN_DOCS_CACHE": str(cache)}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    modules = json.loads(done.stdout.splitlines()[-1])
    return {name for name in HEAVY if name in modules}


def _command(*argv: str) -> str:
    return (
        "import contextlib, io\n"
        "from familyplan_docs._cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({list(argv)!r}) == 0\n"
    )


@pytest.mark.parametrize("code", ["import familyplan_docs", "import familyplan_docs._cli"])
def test_importing_the_package_or_the_command_line_loads_no_heavy_stack(
    code: str, tmp_path: Path
) -> None:
    assert _loaded(code, tmp_path) == set()


def test_the_schema_command_loads_only_the_model(tmp_path: Path) -> None:
    assert _loaded(_command("schema"), tmp_path) <= {"pydantic"}


def test_an_invitation_loads_neither_documents_nor_workbooks(tmp_path: Path) -> None:
    out = tmp_path / "m.ics"
    loaded = _loaded(_command("invite", str(SAMPLE), "--meeting", "1", "--out", str(out)), tmp_path)
    assert "icalendar" in loaded
    assert not loaded & {"docx", "docxtpl", "jinja2", "openpyxl", "matplotlib", "pikepdf"}


def test_a_render_with_a_warm_cache_draws_no_map_and_loads_no_workbook_or_pdf_stack(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    first = _loaded(_command("render", str(SAMPLE), "--out", str(tmp_path / "a")), cache)
    assert "matplotlib" in first  # the map's rings and fonts were made, and kept
    again = _loaded(_command("render", str(SAMPLE), "--out", str(tmp_path / "b")), cache)
    assert "docxtpl" in again
    assert not again & {"matplotlib", "numpy", "openpyxl", "icalendar", "rich", "pikepdf"}


def test_the_engine_renders_from_a_warm_cache_without_python_docx_docxtpl_or_the_model(
    tmp_path: Path,
) -> None:
    """What ``benchmarks/bench_peers.py`` times from a cold process: one template, plain data."""
    import docx

    template = tmp_path / "templates" / "letter.docx"
    template.parent.mkdir()
    document = docx.Document()
    document.core_properties.title = "letter"
    document.add_paragraph("{{ title }}")
    document.add_paragraph("{% for r in rows %}{{ r }} {% endfor %}")
    document.save(str(template))
    out = tmp_path / "out.docx"
    code = (
        "from pathlib import Path\n"
        "from familyplan_docs.packs.discovery import load_pack\n"
        "from familyplan_docs.render.compiled.template import compiled_template\n"
        f"compiled = compiled_template(Path({str(template)!r}), load_pack('da'))\n"
        f"compiled.render({{'title': 'Æ & <ø>', 'rows': ['a', 'b']}}, Path({str(out)!r}))\n"
    )
    cache = tmp_path / "cache"
    assert {"docx", "docxtpl"} <= _loaded(code, cache)  # compiling uses docxtpl's own code
    again = _loaded(code, cache)
    assert not again & {"docx", "docxtpl", "pydantic", "matplotlib", "openpyxl", "pikepdf"}
    assert "Æ & <ø>" in "".join(p.text for p in docx.Document(str(out)).paragraphs)


def test_a_subpackage_import_never_hides_the_render_function() -> None:
    import familyplan_docs.render.documents

    assert callable(familyplan_docs.render)
    assert familyplan_docs.render is familyplan_docs._api.render


def _type_checking_names() -> dict[str, str]:
    """The names the ``if TYPE_CHECKING:`` block of ``__init__`` imports, and from where."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(
        node
        for node in tree.body
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        if node.test.id == "TYPE_CHECKING"
    )
    return {
        alias.name: "." * node.level + (node.module or "")
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


def test_every_lazy_public_name_is_typed_listed_and_importable() -> None:
    lazy = familyplan_docs._LAZY
    assert _type_checking_names() == lazy
    eager = {"FAMILY_FACING", "KINDS", "__version__"}
    eager |= {
        name for name in familyplan_docs.__all__ if name.endswith("Error") or name == "Problem"
    }
    assert set(familyplan_docs.__all__) == set(lazy) | eager
    for name in familyplan_docs.__all__:
        assert getattr(familyplan_docs, name) is not None
    assert set(familyplan_docs.__all__) <= set(dir(familyplan_docs))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        _ = familyplan_docs.nothing_here  # type: ignore[attr-defined]

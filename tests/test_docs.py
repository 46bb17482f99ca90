"""The docs stay true: docs/variables.md is what tools/gen_variables.py writes today."""

from __future__ import annotations

import importlib.util
import re
from types import ModuleType

from familyplan_docs.authoring.shapes import pack_context_shape
from familyplan_docs.packs.discovery import load_pack
from tests.helpers import ROOT

DOCS = ROOT / "docs"


def gen_variables() -> ModuleType:
    spec = importlib.util.spec_from_file_location("gen_variables", ROOT / "tools/gen_variables.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_variable_reference_is_current() -> None:
    committed = (DOCS / "variables.md").read_text(encoding="utf-8")
    assert gen_variables().render() == committed, "run python tools/gen_variables.py"


def test_every_top_level_variable_has_a_description() -> None:
    shape = pack_context_shape(load_pack("da"), [], [])
    text = (DOCS / "variables.md").read_text(encoding="utf-8")
    for name in shape.fields:
        row = re.search(rf"^\| `{name}` \| [^|]+ \| (.*) \|$", text, re.MULTILINE)
        assert row and row.group(1).strip(), f"{name}: add a description (Field or DERIVED_TOP)"


def test_the_authoring_guide_links_resolve() -> None:
    guide = (DOCS / "authoring.md").read_text(encoding="utf-8")
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", guide):
        assert (DOCS / target).resolve().exists(), f"authoring.md links to missing {target}"

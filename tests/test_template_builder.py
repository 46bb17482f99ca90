"""The built-in templates are what ``tools/templates/build.py`` makes from the kinds and texts.

A template edited by hand (or a kind or text changed without rebuilding) fails here, so
``tools/templates`` stays the one source of the built-in packs' layout and wording.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from tests.helpers import ROOT

TOOLS = ROOT / "tools"


def _build_module() -> ModuleType:
    sys.path.insert(0, str(TOOLS))
    try:
        spec = importlib.util.spec_from_file_location("build", TOOLS / "templates" / "build.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(TOOLS))


BUILD = _build_module()
PAIRS = [(lang, kind) for lang in BUILD.LANGS for kind in BUILD.available_kinds()]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name) for name in sorted(archive.namelist())}


@pytest.mark.parametrize(("lang", "kind"), PAIRS)
def test_the_committed_template_is_what_the_builder_makes(
    tmp_path: Path, lang: str, kind: str
) -> None:
    built = _parts(BUILD.build_one(lang, kind, tmp_path))
    committed = _parts(BUILD.TEMPLATES / lang / f"{kind}.docx")
    assert built.keys() == committed.keys()
    changed = [name for name in built if built[name] != committed[name]]
    assert not changed, (
        f"{lang}/{kind}.docx differs from the builder's output in {changed}: "
        f"run python tools/templates/build.py --langs {lang} --kinds {kind}"
    )

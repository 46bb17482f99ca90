"""Regenerate the built-in packs' .docx templates from kinds/*.py and text/<lang>/*.toml.

Usage: python tools/templates/build.py [--langs da,nl,sv] [--kinds family_plan,...]
Writes src/familyplan_docs/templates/<lang>/<kind>.docx. Run it after changing a kind or its
texts, then look at the result (render, convert to PDF, pdftoppm -png -r 60) before committing.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import tomllib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT / "tools"))

from familyplan_docs._kinds import FAMILY_FACING  # noqa: E402
from templates.builder import BODY_PT, FAMILY_BODY_PT, DocBuilder  # noqa: E402

LANGS = {"da": "da-DK", "nl": "nl-NL", "sv": "sv-SE", "en": "en-GB"}


def texts(lang: str, name: str) -> dict[str, Any]:
    """Load text/<lang>/<name>.toml."""
    with (HERE / "text" / lang / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)


def available_kinds() -> list[str]:
    """Kinds that have a builder module."""
    return sorted(p.stem for p in (HERE / "kinds").glob("*.py") if not p.stem.startswith("_"))


TEMPLATES = ROOT / "src" / "familyplan_docs" / "templates"
"""Where the built-in packs live (package data)."""


def build_one(lang: str, kind: str, out_root: Path = TEMPLATES) -> Path:
    """Build ``<out_root>/<lang>/<kind>.docx`` and return its path."""
    module = importlib.import_module(f"templates.kinds.{kind}")
    t = texts(lang, kind)
    common = texts(lang, "_common")
    b = DocBuilder(
        language=LANGS[lang],
        title=t["title"],
        common=common,
        landscape=getattr(module, "LANDSCAPE", False),
        body_pt=FAMILY_BODY_PT if kind in FAMILY_FACING else BODY_PT,
    )
    module.build(b, t)
    out = out_root / lang / f"{kind}.docx"
    b.save(out)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--langs", default=",".join(LANGS))
    parser.add_argument("--kinds", default=",".join(available_kinds()))
    args = parser.parse_args()
    for lang in args.langs.split(","):
        for kind in args.kinds.split(","):
            print(build_one(lang, kind).relative_to(ROOT))


if __name__ == "__main__":
    main()

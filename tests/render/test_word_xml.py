"""Every Word file the library writes is valid WordprocessingML, part by part.

The ECMA-376 transitional schemas are not available here, so this is the structural check
built from them (ECMA-376 Part 1, chapter 17 and Part 2) for what the templates use: the
order of the children of every property element (``w:pPr``, ``w:rPr``, ``w:tblPr``,
``w:tcPr``, ``w:tblBorders`` …), a paragraph in every table cell (the last block of a cell
must be one), properties first in paragraphs, runs, rows, cells and tables, ``w:sectPr``
last in the body; and for the package (OPC), a content type for every part, no override
or relationship naming a part that is not there, and no part nothing refers to (such as a
stale ``stylesWithEffects.xml``). It runs over every part of every kind of every pack,
blank and filled, and over the built-in templates themselves.
"""

from __future__ import annotations

import json
import posixpath
import zipfile
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from familyplan_docs import KINDS, load_pack, plan_from_json
from familyplan_docs.render.documents import render_documents
from tests.helpers import BUILTIN_PACKS, ROOT, TINY

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
MAXIMAL = ROOT / "tests" / "data" / "maximal-plan.json"


def _names(text: str) -> list[str]:
    return text.split()


_RPR = (
    "ins del moveFrom moveTo "  # CT_ParaRPr (the paragraph mark's run properties) begins so
    "rStyle rFonts b bCs i iCs caps smallCaps strike dstrike outline shadow emboss imprint "
    "noProof snapToGrid vanish webHidden color spacing w kern position sz szCs highlight u "
    "effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange"
)
SEQUENCES: dict[str, list[str]] = {
    # 17.3.1.26 pPr (CT_PPrBase, then CT_PPr)
    "pPr": _names(
        "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr "
        "suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct "
        "topLinePunct autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind "
        "contextualSpacing mirrorIndents suppressOverlap jc textDirection textAlignment "
        "textboxTightWrap outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ),
    "rPr": _names(_RPR),  # 17.3.2.28 (EG_RPrBase)
    # 17.4.60 tblPr (CT_TblPrBase, then CT_TblPr)
    "tblPr": _names(
        "tblStyle tblpPr tblOverlap bidiVisual tblStyleRowBandSize tblStyleColBandSize tblW "
        "jc tblCellSpacing tblInd tblBorders shd tblLayout tblCellMar tblLook tblCaption "
        "tblDescription tblPrChange"
    ),
    # 17.4.42 tcPr (CT_TcPrBase, then CT_TcPr)
    "tcPr": _names(
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection "
        "tcFitText vAlign hideMark headers cellIns cellDel cellMerge tcPrChange"
    ),
    # 17.4.39 tblBorders, 17.4.67 tcBorders, 17.3.1.24 pBdr ("start"/"end" in later editions)
    "tblBorders": _names("top left start bottom right end insideH insideV"),
    "tcBorders": _names("top left start bottom right end insideH insideV tl2br tr2bl"),
    "pBdr": _names("top left start bottom right end between bar"),
    # 17.4.42 tblCellMar, 17.4.43 tcMar
    "tblCellMar": _names("top left start bottom right end"),
    "tcMar": _names("top left start bottom right end"),
    # 17.6.17 sectPr (the header and footer references come first, in any order)
    "sectPr": _names(
        "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc "
        "pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection "
        "bidi rtlGutter docGrid printerSettings sectPrChange"
    ),
    # 17.7.4.17 style
    "style": _names(
        "name aliases basedOn next link autoRedefine hidden uiPriority semiHidden "
        "unhideWhenUsed qFormat locked personal personalCompose personalReply rsid pPr rPr "
        "tblPr trPr tcPr tblStylePr"
    ),
}
SAME_PLACE = {("sectPr", "headerReference"): "footerReference"}
"""Children that may mix with another in any order (they share its place in the sequence)."""

REPEATED = {("sectPr", "footerReference"), ("style", "tblStylePr")}
"""Children that may come more than once; every other one of :data:`SEQUENCES` at most once."""

FIRST: dict[str, list[str]] = {
    "p": ["pPr"],  # 17.3.1.22: properties, then the content
    "r": ["rPr"],  # 17.3.2.25
    "tbl": ["tblPr", "tblGrid"],  # 17.4.38: both required, in this order
    "tr": ["tblPrEx", "trPr"],  # 17.4.79
    "tc": ["tcPr"],  # 17.4.66
}
"""Elements whose properties must come before everything else (those that are present)."""

BLOCKS = {"p", "tbl", "sdt", "customXml"}
"""Block-level content (EG_BlockLevelElts) a cell or a body holds."""


def _local(element: Any) -> str | None:
    tag = element.tag
    if not isinstance(tag, str) or not tag.startswith(f"{{{W}}}"):
        return None  # comments, processing instructions, other vocabularies
    return tag.split("}", 1)[1]


def xml_problems(data: bytes, part: str) -> list[str]:
    """What is wrong with the WordprocessingML part *data* (named *part* in the messages)."""
    root = etree.fromstring(data)
    problems: list[str] = []
    for element in root.iter():
        name = _local(element)
        if name is None:
            continue
        children = [(c, _local(c)) for c in element if _local(c) is not None]
        names = [n for _, n in children]
        where = f"{part}: line {element.sourceline}: <w:{name}>"
        order = SEQUENCES.get(name)
        if order is not None:
            last = -1
            seen: set[str] = set()
            for child in names:
                child = SAME_PLACE.get((name, child), child)
                if child not in order:
                    problems.append(f"{where} holds <w:{child}>, which it may not")
                    continue
                at = order.index(child)
                if at < last:
                    problems.append(f"{where}: <w:{child}> comes after <w:{order[last]}>")
                if child in seen and (name, child) not in REPEATED:
                    problems.append(f"{where}: <w:{child}> twice")
                seen.add(child)
                last = max(last, at)
        first = FIRST.get(name)
        if first is not None:
            wanted = [n for n in names if n in first]
            if names[: len(wanted)] != wanted or wanted != [n for n in first if n in wanted]:
                problems.append(f"{where}: {' and '.join(first)} must come first: {names[:4]}")
        if name == "tbl" and names[:2] != ["tblPr", "tblGrid"]:
            problems.append(f"{where} needs <w:tblPr> and <w:tblGrid> first")
        if name == "tc":
            blocks = [n for n in names if n in BLOCKS]
            if not blocks or blocks[-1] != "p":
                problems.append(f"{where} must end with a paragraph (it holds {names})")
        if name == "body" and "sectPr" in names and names[-1] != "sectPr":
            problems.append(f"{where}: <w:sectPr> must be last")
    return problems


def package_problems(path: Path) -> list[str]:
    """What is wrong with the package (OPC) and every WordprocessingML part of *path*."""
    problems: list[str] = []
    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        types = etree.fromstring(archive.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower() for d in types.iter(f"{CT}Default")}
        overrides = {o.get("PartName").lstrip("/") for o in types.iter(f"{CT}Override")}
        for missing in sorted(overrides - names):
            problems.append(
                f"{path.name}: [Content_Types].xml names /{missing}, which is not there"
            )
        referred: set[str] = set()
        for rels in sorted(n for n in names if n.endswith(".rels")):
            folder = posixpath.dirname(posixpath.dirname(rels))
            for rel in etree.fromstring(archive.read(rels)).iter(f"{REL}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                resolved = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(folder, target))
                )
                referred.add(resolved)
                if resolved not in names:
                    problems.append(f"{path.name}: {rels} points to {resolved}, not there")
        for name in sorted(names):
            if name == "[Content_Types].xml" or name.endswith(".rels") or name.endswith("/"):
                continue
            if name not in overrides and posixpath.splitext(name)[1][1:].lower() not in defaults:
                problems.append(f"{path.name}: {name} has no content type")
            if name not in referred:
                problems.append(f"{path.name}: {name} is a part nothing refers to (stale)")
            if "stylesWithEffects" in name:
                problems.append(f"{path.name}: {name} is python-docx's stale en-US styles")
            if name.startswith("word/") and name.endswith(".xml"):
                problems += xml_problems(archive.read(name), f"{path.name}/{name}")
    return problems


# --- the checker itself --------------------------------------------------------------------

_DOC = (
    f'<w:document xmlns:w="{W}"><w:body>{{}}<w:sectPr><w:pgSz/><w:pgMar/></w:sectPr>'
    "</w:body></w:document>"
)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:tc><w:tcPr/></w:tc></w:tr></w:tbl>",
         "must end with a paragraph"),
        ("<w:tbl><w:tblPr><w:tblLook/><w:tblBorders/></w:tblPr><w:tblGrid/></w:tbl>",
         "<w:tblBorders> comes after <w:tblLook>"),
        ("<w:p><w:pPr><w:jc/><w:spacing/></w:pPr></w:p>", "<w:spacing> comes after <w:jc>"),
        ("<w:p><w:r><w:t>x</w:t><w:rPr/></w:r></w:p>", "rPr must come first"),
        ("<w:tbl><w:tblPr><w:tblBorders><w:bottom/><w:top/></w:tblBorders></w:tblPr>"
         "<w:tblGrid/></w:tbl>", "<w:top> comes after <w:bottom>"),
        ("<w:tbl><w:tblPr/><w:tblGrid/><w:tr><w:tc><w:tcPr><w:vAlign/><w:shd/></w:tcPr>"
         "<w:p/></w:tc></w:tr></w:tbl>", "<w:shd> comes after <w:vAlign>"),
    ],
)  # fmt: skip
def test_the_check_finds_what_word_calls_damaged(body: str, problem: str) -> None:
    found = xml_problems(_DOC.format(body).encode(), "test")
    assert any(problem in p for p in found), found


def test_the_check_passes_good_xml() -> None:
    body = (
        "<w:tbl><w:tblPr><w:tblW/><w:tblBorders><w:top/><w:left/><w:bottom/><w:right/>"
        "<w:insideH/></w:tblBorders><w:tblLook/></w:tblPr><w:tblGrid/><w:tr><w:tc><w:tcPr>"
        "<w:tcW/><w:shd/><w:vAlign/></w:tcPr><w:tbl><w:tblPr/><w:tblGrid/></w:tbl><w:p/>"
        "</w:tc></w:tr></w:tbl><w:p><w:pPr><w:spacing/><w:jc/><w:rPr><w:b/></w:rPr></w:pPr>"
        "<w:r><w:rPr><w:b/><w:sz/></w:rPr><w:t>x</w:t></w:r></w:p>"
    )
    assert xml_problems(_DOC.format(body).encode(), "test") == []


# --- every template and every output -----------------------------------------------------------


@pytest.mark.parametrize("pack", BUILTIN_PACKS)
def test_every_built_in_template_is_valid(pack: str) -> None:
    chosen = load_pack(pack)
    problems = [p for kind in KINDS for p in package_problems(chosen.document(kind))]
    assert problems == []


def _plans() -> dict[str, Any]:
    empty = json.loads(json.dumps(TINY))
    empty["meetings"][0]["participants"] = []  # every participant column of the minutes empty
    return {
        "maximal": plan_from_json(MAXIMAL.read_bytes()),
        "tiny": plan_from_json(json.dumps(TINY)),
        "no participants": plan_from_json(json.dumps(empty)),
        "blank": None,
    }


@pytest.mark.parametrize("pack", BUILTIN_PACKS)
def test_every_part_of_every_document_is_valid_filled_and_blank(pack: str, tmp_path: Path) -> None:
    chosen = load_pack(pack)
    problems: list[str] = []
    for name, plan in _plans().items():
        folder = tmp_path / name.replace(" ", "-")
        for path in render_documents(plan, chosen, folder):
            problems += [f"{name}: {p}" for p in package_problems(path)]
    assert problems == []

"""Fuzz targets (hypothesis), bounded in time, run in every ``pytest``.

* The workbook reader, given mutated workbook bytes or mutated cells, must return a plan or
  raise :class:`InputError`: never another exception, never a hang.
* The template checker, given a pack whose ``document.xml`` text is fuzzed, must return a
  :class:`Report`: never raise.
"""

from __future__ import annotations

import contextlib
import html
import io
import json
import re
import tempfile
import warnings
import zipfile
from functools import cache
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyplan_docs import InputError, _limits, load_pack, plan_from_json
from familyplan_docs.authoring.check import Report, check_templates
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook
from tests.helpers import TINY, examples, make_docx, make_pack

with warnings.catch_warnings():  # hypothesis imports this to report a failure; it warns
    warnings.simplefilter("ignore", DeprecationWarning)
    with contextlib.suppress(ImportError):
        import hypothesis.extra._patching  # noqa: F401

# -- the workbook reader -------------------------------------------------------------------------


@cache
def workbook_entries() -> list[tuple[str, bytes]]:
    """The parts of a filled workbook (made once; not a test argument, so never printed)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = write_workbook(
            load_pack("da"), Path(tmp) / "plan.xlsx", plan_from_json(json.dumps(TINY))
        )
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def _read(data: bytes) -> None:
    """Read workbook bytes: a plan or InputError, anything else fails the test."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "fuzzed.xlsx"
        path.write_bytes(data)
        try:
            plan = read_workbook(path)
        except InputError as exc:
            assert exc.problems, "an InputError must name at least one problem"
            for problem in exc.problems:
                assert str(problem).strip()
        else:
            assert isinstance(plan, FamilyPlan)


@examples(200)
@given(data=st.data())
def test_workbook_reader_with_mutated_bytes(data: st.DataObject) -> None:
    raw = bytearray(_zip(workbook_entries()))
    for _ in range(data.draw(st.integers(1, 8), label="mutations")):
        kind = data.draw(st.sampled_from(["flip", "cut", "insert", "delete"]))
        at = data.draw(st.integers(0, len(raw) - 1))
        if kind == "flip":
            raw[at] ^= data.draw(st.integers(1, 255))
        elif kind == "cut":
            del raw[at:]
        elif kind == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            del raw[at : at + data.draw(st.integers(1, 64))]
        if not raw:
            raw = bytearray(b"PK")
    _read(bytes(raw))


@examples(150)
@given(data=st.data())
def test_workbook_reader_with_mutated_xml(data: st.DataObject) -> None:
    """Bytes of the unpacked XML parts mutated, then packed again (the zip itself is sound)."""
    names = [n for n, d in workbook_entries() if n.endswith((".xml", ".rels")) and d]
    changed = dict(workbook_entries())
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        name = data.draw(st.sampled_from(names))
        xml = bytearray(changed[name])
        at = data.draw(st.integers(0, len(xml) - 1))
        kind = data.draw(st.sampled_from(["flip", "insert", "delete", "digit"]))
        if kind == "flip":
            xml[at] ^= data.draw(st.integers(1, 255))
        elif kind == "insert":
            xml[at:at] = data.draw(
                st.sampled_from([b"<", b">", b"&", b'"', b"</x>", b"<c/>", b"\xff"])
            )
        elif kind == "delete":
            del xml[at : at + data.draw(st.integers(1, 32))]
        else:  # a digit (index, style, type, size) becomes another, not a far-away row number
            digits = [i for i, b in enumerate(xml) if 48 <= b <= 57]
            if digits:
                xml[data.draw(st.sampled_from(digits))] = data.draw(st.sampled_from(b"0123456789"))
        changed[name] = bytes(xml)
    _read(_zip(list(changed.items())))


def _cell(attributes: str, inner: str) -> str:
    return f'<c r="{{ref}}"{attributes}>{inner}</c>'


CELL_VALUE = st.one_of(
    st.text(max_size=30).map(
        lambda s: _cell(' t="inlineStr"', f"<is><t>{html.escape(s)}</t></is>")
    ),
    st.integers(-(10**20), 10**20).map(lambda n: _cell("", f"<v>{n}</v>")),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda f: _cell("", f"<v>{f}</v>")),
    st.sampled_from(["0", "1", "x", ""]).map(lambda b: _cell(' t="b"', f"<v>{b}</v>")),
    st.sampled_from(["#REF!", "#DIV/0!", "#N/A"]).map(lambda e: _cell(' t="e"', f"<v>{e}</v>")),
    st.integers(-5, 10**6).map(lambda i: _cell(' t="s"', f"<v>{i}</v>")),
    st.text(max_size=20).map(lambda s: _cell("", f"<f>{html.escape(s)}</f><v>1</v>")),
    st.sampled_from(["2026-13-45", "2026-01-01T25:00:00", "x"]).map(
        lambda d: _cell(' t="d"', f"<v>{d}</v>")
    ),
    st.text(max_size=10).map(lambda s: _cell(f' t="{html.escape(s, quote=True)}"', "<v>1</v>")),
)
"""One cell of any type with any value, its place filled in as ``{ref}``."""

_ROW = re.compile(rb'<row r="(\d+)"[^>]*?(?:/>|>.*?</row>)', re.S)


@examples(150)
@given(data=st.data())
def test_workbook_reader_with_mutated_cells(data: st.DataObject) -> None:
    sheets = [n for n, _ in workbook_entries() if n.startswith("xl/worksheets/sheet")]
    changed = dict(workbook_entries())
    for _ in range(data.draw(st.integers(1, 6), label="cells")):
        sheet = data.draw(st.sampled_from(sheets))
        row = data.draw(st.integers(1, 60))
        column = data.draw(st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        cell = data.draw(CELL_VALUE).replace("{ref}", f"{column}{row}").encode("utf-8")
        xml = changed[sheet]
        rows = {int(m.group(1)): m for m in _ROW.finditer(xml)}
        if row in rows:  # put the cell into its row, replacing the row's cells
            match = rows[row]
            replaced = f'<row r="{row}">'.encode() + cell + b"</row>"
            xml = xml[: match.start()] + replaced + xml[match.end() :]
        elif b"<sheetData/>" in xml:
            xml = xml.replace(
                b"<sheetData/>",
                f'<sheetData><row r="{row}">'.encode() + cell + b"</row></sheetData>",
            )
        else:
            later = [r for r in rows if r > row]
            new = f'<row r="{row}">'.encode() + cell + b"</row>"
            at = rows[min(later)].start() if later else xml.index(b"</sheetData>")
            xml = xml[:at] + new + xml[at:]
        changed[sheet] = xml
    _read(_zip(list(changed.items())))


# -- the template checker ------------------------------------------------------------------------

JINJA_BITS = [
    "{{", "}}", "{%", "%}", "{#", "#}", "{%tr ", "{%p ", "{{r ", "{%tc ", " for ", " in ",
    " if ", " endif ", " endfor ", " else ", " set ", " macro ", " endmacro ", " recursive ",
    "family", ".name", "members", "plan", "loop", "labels", ".x", "|label", "|date('long')",
    "|number", "|joined", "|upper", "|e", "|safe", "range(", "range(100000)", ")", "(", "[",
    "]", "'", '"', " ~ ", " * ", " ** ", "9", "1000000", "__class__", "._", "namespace(",
    "lipsum(", "caller", "self", "=", ",", " ", "\n", "\t", "&", "<", ">", "x", "é", "🙂",
]  # fmt: skip

TEMPLATE_TEXT = st.lists(
    st.one_of(st.sampled_from(JINJA_BITS), st.text(max_size=4)), min_size=1, max_size=25
).map("".join)

_BODY = re.compile(rb"(<w:t[^>]*>)FUZZ(</w:t>)")


@cache
def flyer_source() -> list[tuple[str, bytes]]:
    """The parts of a small template with a paragraph ``FUZZ`` to replace."""
    with tempfile.TemporaryDirectory() as tmp:
        path = make_docx(Path(tmp) / "flyer.docx", "Hello", "FUZZ", "Bye")
        with zipfile.ZipFile(path) as archive:
            return [(info.filename, archive.read(info)) for info in archive.infolist()]


def _check(entries: list[tuple[str, bytes]], fuzzed: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = make_pack(Path(tmp) / "fuzz", "fuzz", extends=None)
        out = [(n, _BODY.sub(lambda m: m.group(1) + fuzzed + m.group(2), d)) for n, d in entries]
        (folder / "flyer.docx").write_bytes(_zip(out))
        with pytest.MonkeyPatch.context() as patch:  # runaway templates stop sooner here
            patch.setattr(_limits, "RENDER_SECONDS", 5.0)
            patch.setattr(_limits, "RENDER_MAX_ITERATIONS", 200_000)
            report = check_templates(folder, samples=[])
    assert isinstance(report, Report)
    assert all(isinstance(p, str) and p for p in report.problems)


@examples(250)
@given(text=TEMPLATE_TEXT)
def test_template_checker_with_fuzzed_template_text(text: str) -> None:
    _check(flyer_source(), html.escape(text, quote=False).encode("utf-8"))


@examples(250)
@given(text=TEMPLATE_TEXT)
def test_template_checker_with_fuzzed_raw_xml(text: str) -> None:
    """The fuzzed text goes into document.xml unescaped: often not even well-formed XML."""
    _check(flyer_source(), text.encode("utf-8"))

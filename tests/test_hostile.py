"""Hostile input: zip bombs, entity expansion, huge files, runaway templates, bad characters.

Each attack must end quickly in a clear error (``InputError``, ``PackError``,
``TemplateRenderError``) without unpacking, expanding or allocating what it asks for, and
without writing a file.
"""

from __future__ import annotations

import io
import json
import resource
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from familyplan_docs import (
    InputError,
    PackError,
    TemplateRenderError,
    load_pack,
    load_plan,
    plan_from_json,
    render,
)
from familyplan_docs._cli import main as cli
from familyplan_docs._limits import MAX_JSON_BYTES, MiB
from familyplan_docs.authoring.check import check_templates
from familyplan_docs.render.documents import render_to
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook
from tests.helpers import TINY, docx_text, make_docx, make_pack

GiB = 1024 * MiB


# -- helpers -----------------------------------------------------------------------------------


@contextmanager
def quick_and_small(seconds: float = 10, megabytes: int = 500) -> Iterator[None]:
    """The block must finish within *seconds* and grow the process by under *megabytes*."""
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    started = time.monotonic()
    yield
    elapsed = time.monotonic() - started
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert elapsed < seconds, f"took {elapsed:.1f} s"
    assert grown < megabytes, f"memory grew by {grown:.0f} MiB"


@dataclass
class RawEntry:
    """A zip entry written as given: its sizes and CRC may be honest or lies."""

    name: str
    raw: bytes
    crc: int
    size: int
    method: int = zipfile.ZIP_DEFLATED


def deflated(name: str, data: bytes) -> RawEntry:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return RawEntry(name, packer.compress(data) + packer.flush(), zlib.crc32(data), len(data))


def zeros_bomb(name: str, unpacked: int, *, declared: int | None = None) -> RawEntry:
    """*unpacked* bytes of zeros, deflated in about unpacked/1000 bytes, built in 1 MiB steps.

    Nothing near *unpacked* is ever held in memory: with a full flush after each MiB, every
    MiB deflates to the same bytes, so the stream is one block repeated. With *declared*, the
    entry claims that size (and the CRC of that many zeros) instead: a bomb that lies.
    """
    chunk = b"\0" * MiB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    assert unpacked % MiB == 0
    raw = block * (unpacked // MiB) + packer.flush()
    if declared is None:
        crc = 0
        for _ in range(unpacked // MiB):
            crc = zlib.crc32(chunk, crc)
        return RawEntry(name, raw, crc, unpacked)
    return RawEntry(name, raw, zlib.crc32(b"\0" * declared), declared)


def write_zip(path: Path, entries: list[RawEntry]) -> Path:
    """Write a zip archive (no zip64: every size stays below 4 GiB)."""
    out = io.BytesIO()
    central = []
    for entry in entries:
        name = entry.name.encode()
        offset = out.tell()
        sizes = (entry.crc, len(entry.raw), entry.size, len(name))
        local = struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, entry.method, 0, 0x21, *sizes, 0)
        out.write(local + name + entry.raw)
        record = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, entry.method, 0, 0x21, *sizes, 0, 0, 0, 0,
            0, offset,
        )  # fmt: skip
        central.append(record + name)
    start = out.tell()
    out.write(b"".join(central))
    count = len(central)
    size = out.tell() - start
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, size, start, 0))
    path.write_bytes(out.getvalue())
    return path


def entries_of(path: Path) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rebuild(source: Path, target: Path, change: Callable[[str, bytes], RawEntry | None]) -> Path:
    """Copy a zip package, letting *change* replace entries (None keeps an entry as it is)."""
    out = []
    for name, data in entries_of(source):
        replaced = change(name, data)
        out.append(replaced if replaced is not None else deflated(name, data))
    return write_zip(target, out)


LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'
        for i in range(1, 10)
    )
    + "]>"
)
"""The classic billion-laughs DTD: ``&lol9;`` expands to a billion "lol"s (3 GB)."""


def with_laughs(data: bytes) -> bytes:
    """Put the billion-laughs DTD after the XML declaration and ``&lol9;`` in the root."""
    text = data.decode("utf-8")
    declaration = ""
    if text.startswith("<?xml"):
        end = text.index("?>") + 2
        declaration, text = text[:end], text[end:]
    root_open = text.index(">", text.index("<")) + 1
    return (declaration + LAUGHS + text[:root_open] + "&lol9;" + text[root_open:]).encode()


def laughs_in(part: str) -> Callable[[str, bytes], RawEntry | None]:
    """A :func:`rebuild` change that puts billion laughs into *part*."""
    return lambda name, data: deflated(name, with_laughs(data)) if name == part else None


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("workbook")
    return write_workbook(load_pack("da"), folder / "plan.xlsx", plan_from_json(json.dumps(TINY)))


def problems(path: Path) -> list[str]:
    with pytest.raises(InputError) as caught:
        read_workbook(path)
    return [str(p) for p in caught.value.problems]


# -- zip bombs and entity expansion in workbooks ---------------------------------------------


def test_a_2_gib_zip_bomb_workbook_is_refused_without_unpacking(
    workbook: Path, tmp_path: Path
) -> None:
    bomb = rebuild(
        workbook,
        tmp_path / "bomb.xlsx",
        lambda name, _: zeros_bomb(name, 2 * GiB) if name == "xl/worksheets/sheet6.xml" else None,
    )
    assert bomb.stat().st_size < 4 * MiB
    with zipfile.ZipFile(bomb) as archive:
        assert sum(i.file_size for i in archive.infolist()) > 2 * GiB
    with quick_and_small(5, 100):
        (found,) = problems(bomb)
    assert "unpacks to more than 200 MiB" in found


def test_a_zip_bomb_that_lies_about_its_size_is_cut_off(workbook: Path, tmp_path: Path) -> None:
    """Declared 4 KiB, inflating to 1 GiB: zipfile never unpacks more than the declared size."""
    bomb = rebuild(
        workbook,
        tmp_path / "liar.xlsx",
        lambda name, _: (
            zeros_bomb(name, GiB, declared=4096) if name == "xl/worksheets/sheet6.xml" else None
        ),
    )
    with quick_and_small(10, 100):
        (found,) = problems(bomb)
    assert "damaged" in found or "cannot be opened" in found


@pytest.mark.parametrize(
    "part",
    ["[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet6.xml", "xl/styles.xml"],
)
def test_billion_laughs_in_a_workbook_part_is_refused(
    workbook: Path, tmp_path: Path, part: str
) -> None:
    names = [name for name, _ in entries_of(workbook)]
    assert part in names
    evil = rebuild(
        workbook,
        tmp_path / "laughs.xlsx",
        laughs_in(part),
    )
    with quick_and_small(10, 200):
        found = problems(evil)
    assert len(found) == 1
    assert any(word in found[0] for word in ("cannot be read", "damaged", "cannot be opened"))


def test_a_cell_far_below_the_data_is_refused_quickly(workbook: Path, tmp_path: Path) -> None:
    far = 2_000_000_000

    def move_far(name: str, data: bytes) -> RawEntry | None:
        if name != "xl/worksheets/sheet6.xml":
            return None
        row = f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>x</t></is></c></row>'
        return deflated(name, data.replace(b"</sheetData>", row.encode() + b"</sheetData>"))

    evil = rebuild(workbook, tmp_path / "far.xlsx", move_far)
    code = (
        "import sys, time\n"
        "from familyplan_docs import InputError\n"
        "from familyplan_docs.workbook.read import read_workbook\n"
        "started = time.monotonic()\n"
        "try:\n    read_workbook(sys.argv[1])\n"
        "except InputError as exc:\n"
        "    print(f'{time.monotonic() - started:.1f}', exc)\n    sys.exit(3)\n"
    )
    result = subprocess.run(  # a process of its own: a walk of the gap would never end
        [sys.executable, "-c", code, str(evil)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 3, result.stderr
    seconds, message = result.stdout.split(" ", 1)
    assert "10000 rows" in message
    assert float(seconds) < 5


# -- zip bombs and entity expansion in templates ----------------------------------------------


@pytest.fixture
def org(tmp_path: Path) -> Path:
    folder = make_pack(tmp_path / "org", "org")
    make_docx(folder / "flyer.docx", "Hello {{ family.name }}")
    return folder


def test_a_zip_bomb_template_is_refused_without_unpacking(org: Path) -> None:
    flyer = org / "flyer.docx"
    entries = [deflated(name, data) for name, data in entries_of(flyer)]
    write_zip(flyer, [*entries, zeros_bomb("word/media/image9.png", 2 * GiB)])
    with quick_and_small(5, 100), pytest.raises(PackError, match="unpacks to more than 100 MiB"):
        render_to(None, load_pack(org), "flyer", io.BytesIO())


@pytest.mark.parametrize("part", ["word/document.xml", "word/styles.xml", "[Content_Types].xml"])
def test_billion_laughs_in_a_template_is_refused_before_it_is_parsed(org: Path, part: str) -> None:
    flyer = org / "flyer.docx"
    rebuild(
        flyer, flyer, lambda name, data: deflated(name, with_laughs(data)) if name == part else None
    )
    plan = plan_from_json(json.dumps(TINY))
    with quick_and_small(5, 100), pytest.raises(PackError, match=r"<!DOCTYPE>"):
        render(plan, org.parent / "out", locale=str(org), kinds=["flyer"])
    assert not (org.parent / "out").exists()


def test_check_templates_lists_a_template_with_a_doctype(org: Path) -> None:
    flyer = org / "flyer.docx"
    part = "word/document.xml"
    rebuild(
        flyer, flyer, lambda name, data: deflated(name, with_laughs(data)) if name == part else None
    )
    report = check_templates(org, samples=[])
    assert any("<!DOCTYPE>" in problem for problem in report.problems)


# -- huge and deep JSON ------------------------------------------------------------------------


def test_a_100_mb_json_is_refused_by_its_size_before_it_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"country": "DK", "family": {"statement": "')
        line = "x" * (MiB - 1) + "\n"
        for _ in range(100):
            handle.write(line)
        handle.write('"}}')
    assert path.stat().st_size > 100 * MiB > MAX_JSON_BYTES
    with quick_and_small(2, 50), pytest.raises(InputError, match="larger than 20 MiB"):
        load_plan(path)
    out = tmp_path / "out"
    with quick_and_small(5, 50):
        status = cli(["render", str(path), "--locale", "da", "--out", str(out)])
    assert status == 2
    assert "larger than 20 MiB" in capsys.readouterr().err
    assert not out.exists()


def test_json_just_under_the_size_limit_is_parsed(tmp_path: Path) -> None:
    data = dict(TINY, family=dict(TINY["family"], statement="y" * 20_000))
    text = json.dumps(data)
    padded = text[:-1] + " " * (MAX_JSON_BYTES - len(text)) + "}"
    assert len(padded) == MAX_JSON_BYTES
    assert plan_from_json(padded).family.statement == "y" * 20_000


def test_deeply_nested_json_is_an_input_error() -> None:
    with pytest.raises(InputError):
        plan_from_json("[" * 100_000 + "]" * 100_000)


# -- runaway templates ------------------------------------------------------------------------

RUNAWAY = {
    "loop-10-million": "{% for i in range(10000000) %}x{% endfor %}",
    "nested-loops": (
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}"
    ),
    "nested-loops-in-a-macro": (
        "{% macro m() %}{% for i in range(100000) %}{% for j in range(100000) %}x"
        "{% endfor %}{% endfor %}{% endmacro %}{{ m() }}"
    ),
    "text-times-a-billion": "{{ 'x' * 1000000000 }}",
    "huge-power": "{{ 9 ** 999999999 }}",
    "doubling-text": (
        "{% set ns = namespace(s='xy') %}{% for i in range(64) %}"
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}"
    ),
    "doubling-list": (
        "{% set items = [1] %}{% for i in range(64) %}{% set _ = items.extend(items) %}"
        "{% endfor %}{{ items|length }}"
    ),
    "squaring-number": (
        "{% set ns = namespace(n=3) %}{% for i in range(64) %}{% set ns.n = ns.n * ns.n %}"
        "{% endfor %}{{ ns.n }}"
    ),
    "center-filter": "{{ 'x'|center(1000000000) }}",
    "padding-method": "{{ 'x'.rjust(1000000000) }}",
    "format-width": "{{ '{:>{}}'.format('x', 1000000000) }}",
    "percent-width": "{{ '%1000000000s' % 'x' }}",
    "replace-empty": "{% set s = 'x' * 20000 %}{{ s.replace('', s) }}",
    "endless-macro": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "endless-recursive-loop": "{% for x in [1] recursive %}{{ loop([1]) }}{% endfor %}",
    "lipsum": "{{ lipsum(1000000000) }}",
    "slice": "{{ [1]|slice(1000000000)|list|length }}",
}


@pytest.mark.parametrize("source", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_a_runaway_template_stops_quickly_with_a_render_error(org: Path, source: str) -> None:
    make_docx(org / "flyer.docx", "Hello", source)
    plan = plan_from_json(json.dumps(TINY))
    out = org.parent / "out"
    with quick_and_small(20, 400), pytest.raises(TemplateRenderError, match=r"flyer\.docx"):
        render(plan, out, locale=str(org), kinds=["flyer"])
    assert not out.exists()


# -- characters a document cannot hold --------------------------------------------------------

ILLEGAL = [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF, 0xD800, 0xDFFF]

FIELDS: dict[str, Callable[[dict[str, Any], str], None]] = {
    "$.family.statement": lambda d, t: d["family"].__setitem__("statement", t),
    "$.family.members[1].first_name": lambda d, t: d["family"]["members"][1].__setitem__(
        "first_name", t
    ),
    "$.network[0].name": lambda d, t: d["network"][0].__setitem__("name", t),
    "$.meetings[0].agenda[0].title": lambda d, t: d["meetings"][0]["agenda"][0].__setitem__(
        "title", t
    ),
    "$.organization.opening_hours[0]": lambda d, t: d["organization"].__setitem__(
        "opening_hours", [t]
    ),
}


@pytest.mark.parametrize("code", ILLEGAL, ids=lambda c: f"U+{c:04X}")
def test_a_character_xml_cannot_hold_is_refused_naming_field_and_code_point(
    code: int, tiny: dict[str, Any]
) -> None:
    for put in FIELDS.values():
        put(tiny, f"Bo{chr(code)}x")
    text = json.dumps(tiny)  # JSON escapes every one of them, lone surrogates included
    with pytest.raises(InputError) as caught:
        plan_from_json(text)
    found = {p.place: p.message for p in caught.value.problems}
    assert set(found) == set(FIELDS)
    for message in found.values():
        if 0xD800 <= code <= 0xDFFF:  # pydantic refuses a lone surrogate before the model sees it
            assert "unable to parse raw data as a unicode string" in message
        else:
            assert f"U+{code:04X} at position 3" in message


def test_a_plan_with_a_bad_character_writes_nothing(
    tiny: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tiny["goals"][0]["goal"] = "ring \x07 the bell"
    source = tmp_path / "plan.json"
    source.write_text(json.dumps(tiny), encoding="utf-8")
    out = tmp_path / "out"
    assert cli(["render", str(source), "--locale", "da", "--out", str(out)]) == 2
    assert "$.goals[0].goal: holds the control character U+0007 at position 6" in (
        capsys.readouterr().err
    )
    assert not out.exists()


def test_line_ends_become_line_breaks_and_no_carriage_return_reaches_a_document(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    tiny["goals"][0]["goal"] = "one\r\ntwo\rthree\n\rfour"
    plan = plan_from_json(json.dumps(tiny))
    assert plan.goals[0].goal == "one\ntwo\nthree\n\nfour"
    (path,) = render(plan, tmp_path, locale="da", kinds=["family_plan"])
    assert "one\ntwo\nthree\n\nfour" in docx_text(path)
    with zipfile.ZipFile(path) as archive:
        body = archive.read("word/document.xml")
    assert b"\r" not in body and b"&#13;" not in body and b"&#xD;" not in body.upper()
    Document(str(path))

"""Hostile input: zip bombs, entity expansion, huge files, runaway templates, bad characters.

Each attack must end quickly in a clear error (``InputError``, ``PackError``,
``TemplateRenderError``) without unpacking, expanding or allocating what it asks for, and
without writing a file.
"""

from __future__ import annotations

import io
import json
import resource
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
from familyplan_docs import _api as _api_module
from familyplan_docs._cli import main as cli
from familyplan_docs._limits import MAX_JSON_BYTES, MiB
from familyplan_docs.authoring.check import check_templates
from familyplan_docs.packs.builtin import samples_root
from familyplan_docs.render.documents import render_to
from familyplan_docs.workbook.read import read_workbook
from familyplan_docs.workbook.write import write_workbook
from tests.helpers import (
    TINY,
    RawEntry,
    deflated,
    docx_text,
    entries_of,
    make_docx,
    make_pack,
    rebuild,
    write_zip,
    zeros_bomb,
)

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


# -- hostile packs, through the command line and check-templates ------------------------------

SECRET = "CPR 140386-1282 of another family"


def _secret_document(tmp_path: Path) -> Path:
    return make_docx(tmp_path / "elsewhere" / "other-family.docx", SECRET)


def _pack_with(tmp_path: Path, name: str) -> Path:
    """A pack ``org`` (extending ``da``) with one hostile construction *name*."""
    org = make_pack(tmp_path / "packs" / "org", "org")
    if name == "linked-flyer":
        (org / "flyer.docx").symlink_to(_secret_document(tmp_path))
    elif name == "linked-catalog":
        secret = tmp_path / "elsewhere" / "secret.po"
        secret.parent.mkdir(parents=True, exist_ok=True)
        secret.write_text(f'msgid "a"\nmsgstr "{SECRET}"\n', encoding="utf-8")
        (org / "messages.po").symlink_to(secret)
    elif name == "entry-outside":
        flyer = make_docx(org / "flyer.docx", "Hello")
        write_zip(flyer, [*(deflated(n, d) for n, d in entries_of(flyer)), deflated("../x", b"x")])
    elif name == "lying-bomb":
        flyer = make_docx(org / "flyer.docx", "Hello")
        bomb = zeros_bomb("word/media/image9.png", 256 * MiB, declared=4096)
        write_zip(flyer, [*(deflated(n, d) for n, d in entries_of(flyer)), bomb])
    elif name == "doctype-output":
        make_docx(org / "flyer.docx", "{{ '\\x3c!DOCTYPE x [\\x3c!ENTITY e \"y\">]>'|safe }}")
    elif name == "doctype-output-map":  # |safe reached through map: not flagged by the scan
        make_docx(org / "flyer.docx", "{{ ['\\x3c!DOCTYPE x>']|map('safe')|join }}")
    elif name == "nested-3000":
        make_docx(org / "flyer.docx", "{% if 1 %}" * 3000 + "x" + "{% endif %}" * 3000)
    elif name == "workbook-as-flyer":
        shutil.copyfile(samples_root() / "da" / "familien-haddad.xlsx", org / "flyer.docx")
    elif name == "control-label":
        (org / "messages.po").write_text('msgid "a"\nmsgstr "x\x01"\n', encoding="utf-8")
    elif name == "catalog-too-large":
        (org / "messages.po").write_text('msgid "a"\nmsgstr "' + "x" * 2 * MiB + '"\n')
    return org


HOSTILE_PACKS = {
    "linked-flyer": ("flyer.docx", "symbolic link"),
    "linked-catalog": ("messages.po", "symbolic link"),
    "entry-outside": ("flyer.docx", "points outside its folder"),
    "lying-bomb": ("flyer.docx", "unpacks to more than its header declares"),
    "doctype-output": ("flyer.docx", "markup declaration"),
    "doctype-output-map": ("flyer.docx", "markup declaration"),
    "nested-3000": ("flyer.docx", "too deeply"),
    "workbook-as-flyer": ("flyer.docx", "it is an Excel workbook"),
    "control-label": ("messages.po", "control character U+0001"),
    "catalog-too-large": ("messages.po", "larger than 1 MiB"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE_PACKS))
def test_check_templates_reports_each_hostile_pack_with_the_file_and_reason(
    tmp_path: Path, name: str
) -> None:
    org = _pack_with(tmp_path, name)
    file, reason = HOSTILE_PACKS[name]
    with quick_and_small(60, 300):
        report = check_templates(org, samples=sorted(samples_root().glob("da/*.json")))
    assert not report.ok
    if name == "doctype-output":  # the scan finds the |safe before anything renders
        reason = "the filter '|safe' switches off escaping"
    assert any(file in p and reason in p for p in report.problems), report.problems
    assert all(SECRET not in p for p in report.problems)


@pytest.mark.parametrize("name", sorted(HOSTILE_PACKS))
def test_render_refuses_each_hostile_pack_with_a_clear_error(
    tmp_path: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _pack_with(tmp_path, name)
    out = tmp_path / "out"
    args = ["render", str(samples_root() / "da" / "familien-haddad.json"), "--out", str(out)]
    args += ["--templates", str(tmp_path / "packs"), "--locale", "org", "--documents", "flyer"]
    with quick_and_small(60, 300):
        assert cli(args) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and HOSTILE_PACKS[name][1] in err
    assert SECRET not in err and "Traceback" not in err
    assert not out.exists()


def test_new_pack_never_copies_a_file_from_outside_the_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _pack_with(tmp_path, "linked-catalog")
    copy = tmp_path / "copy"
    args = ["new-pack", "--from", "org", "--name", "copy", "--out", str(copy)]
    assert cli([*args, "--templates", str(tmp_path / "packs")]) == 1
    captured = capsys.readouterr()
    assert "symbolic link" in captured.err
    assert SECRET not in captured.out + captured.err
    assert not copy.exists()


@pytest.mark.parametrize(
    "manifest",
    [b'name = "bad"\nlocale = "da_DK"\ntitle = "\xe6"\n', b'name = "bad"\nsettings = 5\n'],
    ids=["non-utf8", "settings-5"],
)
def test_a_broken_pack_in_the_search_path_stops_only_what_uses_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], manifest: bytes
) -> None:
    bad = tmp_path / "packs" / "bad"
    bad.mkdir(parents=True)
    (bad / "pack.toml").write_bytes(manifest)
    packs = ["--templates", str(tmp_path / "packs")]
    plan = str(samples_root() / "da" / "familien-haddad.json")
    out = tmp_path / "out"
    args = ["render", plan, "--locale", "da", "--documents", "flyer", "--out", str(out), *packs]
    assert cli(args) == 0
    assert (out / "flyer.docx").is_file()
    assert cli(["locales", *packs]) == 0
    listing = capsys.readouterr().out
    assert "da " in listing
    (line,) = [line for line in listing.splitlines() if "BROKEN" in line]
    assert line.startswith("bad") and "pack.toml" in line


def test_running_out_of_memory_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def exhausted(*args: Any, **kwargs: Any) -> Any:
        raise MemoryError

    monkeypatch.setattr(_api_module, "list_packs", exhausted)  # _cli imports it per command
    assert cli(["locales"]) == 1
    assert capsys.readouterr().err == (
        "error: out of memory; the input or a template asks for too much\n"
    )

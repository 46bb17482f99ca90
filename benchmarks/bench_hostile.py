"""Benchmark (not a test): every class of attack of issue 15, run through the command line.

Usage::

    python benchmarks/bench_hostile.py [--only NAME,NAME] [--timeout SECONDS] [--limit-kib N]

Each attack is built in a temporary folder (hostile packs, templates, workbooks; a file
outside the pack holds a canary text) and its commands run as ``python -m familyplan_docs``
in a child process whose address space is limited like ``ulimit -v`` (default 3,000,000
KiB). For each command the table shows the exit status, the seconds, the peak memory, and
what went wrong: a traceback, a run longer than 90 seconds, the canary text in the output
or in a written file (a file from outside the pack was read), a zip entry outside the
package or a ``<!DOCTYPE``/``<!ENTITY`` in a written document, or a command that should
have refused and did not.
"""

from __future__ import annotations

import argparse
import importlib.util
import io
import json
import os
import platform
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
from docx import Document

_SPEC = importlib.util.find_spec("familyplan_docs")
assert _SPEC is not None and _SPEC.submodule_search_locations
PACKAGE = Path(_SPEC.submodule_search_locations[0])
SAMPLES = PACKAGE / "samples"
DA_PACK = PACKAGE / "templates" / "da"
CANARY = "CANARY-OUTSIDE-THE-PACK-7f3a"
MiB = 1024 * 1024
GiB = 1024 * MiB
DONE_SECONDS = 90.0


# --- building hostile files -------------------------------------------------------------------


def docx(path: Path, *paragraphs: str) -> Path:
    """A .docx whose paragraphs are *paragraphs* (Jinja tags allowed)."""
    document = Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def pack(folder: Path, name: str, *, extends: str | None = "da", extra: str = "") -> Path:
    """A pack folder with a ``pack.toml`` (and whatever *extra* TOML lines say)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'name = "{name}"', 'locale = "da_DK"', 'version = "1"']
    if extends:
        lines.append(f'extends = "{extends}"')
    (folder / "pack.toml").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")
    return folder


def entries(path: Path) -> list[tuple[zipfile.ZipInfo, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(info, archive.read(info)) for info in archive.infolist()]


def raw_zip(path: Path, items: list[tuple[str, bytes, int, int]]) -> Path:
    """Write a zip of ``(name, deflated bytes, crc, declared size)``; sizes may lie."""
    out = io.BytesIO()
    central = []
    for name, raw, crc, size in items:
        encoded = name.encode()
        offset = out.tell()
        sizes = (crc, len(raw), size, len(encoded))
        out.write(struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, 0, 8, 0, 0x21, *sizes, 0))
        out.write(encoded + raw)
        header = struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, *sizes, 0, 0, 0, 0, 0, offset
        )
        central.append(header + encoded)
    start = out.tell()
    out.write(b"".join(central))
    count = len(central)
    out.write(
        struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, out.tell() - start, start, 0)
    )
    path.write_bytes(out.getvalue())
    return path


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def rezip(path: Path, change: Callable[[str, bytes], bytes | None], add=()) -> Path:  # type: ignore[no-untyped-def]
    """Rewrite the zip *path*: *change* may give new bytes for an entry (None keeps it)."""
    items = []
    for info, data in entries(path):
        new = change(info.filename, data)
        data = data if new is None else new
        items.append((info.filename, deflate(data), zlib.crc32(data), len(data)))
    items += list(add)
    return raw_zip(path, items)


def lying_bomb(name: str, unpacked: int, declared: int) -> tuple[str, bytes, int, int]:
    """*unpacked* bytes of zeros that claim to be *declared* bytes (with a CRC that fits)."""
    chunk = b"\0" * MiB
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(chunk) + packer.flush(zlib.Z_FULL_FLUSH)
    raw = block * (unpacked // MiB) + packer.flush()
    return (name, raw, zlib.crc32(b"\0" * declared), declared)


def with_footnotes(path: Path, text: str) -> Path:
    """Add a footnotes part to the .docx *path* whose note holds *text* (a template)."""
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:footnotes xmlns:w="{w}">'
        f'<w:footnote w:id="1"><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:footnote>'
        "</w:footnotes>"
    ).encode()
    ct = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/footnotes"

    def change(name: str, data: bytes) -> bytes | None:
        if name == "[Content_Types].xml":
            override = f'<Override PartName="/word/footnotes.xml" ContentType="{ct}"/>'
            return data.replace(b"</Types>", override.encode() + b"</Types>")
        if name == "word/_rels/document.xml.rels":
            link = f'<Relationship Id="rId99" Type="{rel}" Target="footnotes.xml"/>'
            return data.replace(b"</Relationships>", link.encode() + b"</Relationships>")
        return None

    item = ("word/footnotes.xml", deflate(footnotes), zlib.crc32(footnotes), len(footnotes))
    return rezip(path, change, [item])


def secret_document(folder: Path) -> Path:
    """Another family's document, outside every pack: it holds the canary."""
    return docx(folder / "elsewhere" / "other-family.docx", f"CPR of another family: {CANARY}")


def secret_text(folder: Path) -> Path:
    path = folder / "elsewhere" / "secret.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'msgid "x"\nmsgstr "{CANARY}"\n{CANARY}\n', encoding="utf-8")
    return path


# --- the attacks --------------------------------------------------------------------------------


@dataclass
class Expect:
    """A command that must succeed (a broken pack elsewhere must not stop it), showing *shows*."""

    args: list[str]
    shows: str = ""


Command = list[str] | Expect
"""A plain argument list must be refused (exit 1 or 2); an :class:`Expect` must succeed."""


@dataclass
class Attack:
    """One attack: its class, what it does and the commands that must refuse it."""

    name: str
    klass: str
    what: str
    build: Callable[[Path], list[Command]]
    env: dict[str, str] = field(default_factory=dict)


PLAN = str(SAMPLES / "da" / "familien-haddad.json")
WORKBOOK = SAMPLES / "da" / "familien-haddad.xlsx"


def _render(templates: Path, locale: str, kinds: str = "flyer") -> Command:
    return ["render", PLAN, "--templates", str(templates), "--locale", locale,
            "--documents", kinds, "--out", "out"]  # fmt: skip


def _check(target: Path) -> Command:
    return ["check-templates", str(target)]


def symlink_template(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    (org / "flyer.docx").symlink_to(secret_document(tmp))
    return [_render(tmp / "packs", "org"), _check(org)]


def symlink_catalog(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    (org / "messages.po").symlink_to(secret_text(tmp))
    return [
        ["new-pack", "--from", "org", "--name", "copy", "--out", "copy",
         "--templates", str(tmp / "packs")],
        _render(tmp / "packs", "org"),
        _check(org),
    ]  # fmt: skip


def symlink_manifest(tmp: Path) -> list[Command]:
    org = tmp / "packs" / "org"
    org.mkdir(parents=True)
    big = tmp / "elsewhere" / "big.toml"
    big.parent.mkdir(parents=True)
    with big.open("wb") as handle:
        handle.truncate(2 * GiB)  # sparse: 2 GiB of zeros that take no disk
    (org / "pack.toml").symlink_to(big)
    return [Expect(_render(tmp / "packs", "da"), "warning"), _locales(tmp / "packs")]


def _locales(packs: Path) -> Expect:
    return Expect(["locales", "--templates", str(packs)], "BROKEN")


def zip_escape(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    flyer = docx(org / "flyer.docx", "Hello {{ family.name }}")
    data = b"escaped"
    rezip(flyer, lambda n, d: None, [("../../escaped.txt", deflate(data), zlib.crc32(data), 7)])
    return [_render(tmp / "packs", "org"), _check(org)]


def extends_path(tmp: Path) -> list[Command]:
    outside = pack(tmp / "elsewhere" / "evil", "evil")
    docx(outside / "flyer.docx", CANARY)
    org = pack(tmp / "packs" / "org", "org", extends="../../elsewhere/evil")
    (org / "messages.po").write_text("", encoding="utf-8")
    return [_render(tmp / "packs", "org"), _check(org)]


def _evil_catalog_pack(folder: Path) -> Path:
    """A pack named like the built-in ``da`` whose catalog swaps done and open."""
    evil = pack(folder, "evil-da", extends="da")
    po = (DA_PACK / "messages.po").read_text(encoding="utf-8")
    (evil / "messages.po").write_text(po, encoding="utf-8")
    return evil


def workbook_meta_path(tmp: Path) -> list[Command]:
    evil = _evil_catalog_pack(tmp / "elsewhere" / "evil")
    book = tmp / "plan.xlsx"
    wb = openpyxl.load_workbook(WORKBOOK)
    meta = wb["meta"]
    for row in meta.iter_rows():
        if row[0].value in ("pack", "locale"):
            row[1].value = str(evil)
    wb.save(book)
    return [["export", str(book), "--out", "plan.json"]]


def _workbook(tmp: Path, change: Callable[[openpyxl.Workbook], None]) -> list[Command]:
    book = tmp / "plan.xlsx"
    wb = openpyxl.load_workbook(WORKBOOK)
    change(wb)
    wb.save(book)
    return [["export", str(book), "--out", "plan.json"], ["render", str(book), "--out", "out",
            "--documents", "family_plan"]]  # fmt: skip


def _agreements(wb: openpyxl.Workbook) -> str:
    meta = {row[0].value: row[1].value for row in wb["meta"].iter_rows()}
    return str(meta["sheet.agreements"])


def hidden_sheet(tmp: Path) -> list[Command]:
    def change(wb: openpyxl.Workbook) -> None:
        title = _agreements(wb)
        shadow = wb.copy_worksheet(wb[title])
        shadow.title = "shadow"
        shadow.sheet_state = "hidden"
        shadow.cell(3, 1).value = f"{CANARY} hidden agreement"
        for row in wb["meta"].iter_rows():
            if row[0].value == "sheet.agreements":
                row[1].value = "shadow"

    return _workbook(tmp, change)


def hidden_row(tmp: Path) -> list[Command]:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[_agreements(wb)]
        row = ws.max_row + 1
        for column in range(1, 4):
            ws.cell(row, column).value = ws.cell(3, column).value
        ws.cell(row, 1).value = f"{CANARY} hidden row"
        ws.row_dimensions[row].hidden = True

    return _workbook(tmp, change)


def hidden_column(tmp: Path) -> list[Command]:
    def change(wb: openpyxl.Workbook) -> None:
        ws = wb[_agreements(wb)]
        ws.cell(3, 1).value = f"{CANARY} hidden column"
        ws.column_dimensions["A"].hidden = True

    return _workbook(tmp, change)


BUDGET = {
    "wordwrap": '{% set s = "a" * 3000000 %}{{ s|wordwrap(1)|length }}',
    "split": '{% set s = "ab " * 30000000 %}{{ s.split()|length }}',
    "list": '{% set s = "\u0100" * 30000000 %}{{ s|list|length }}',
    "batch": '{% set s = "\u0100" * 30000000 %}{{ s|batch(3)|list|length }}',
    "punycode": (
        "{% set p = [] %}{% for i in range(30000) %}{{ p.append('%c' % (256 + i)) }}{% endfor %}"
        "{{ (p|join).encode('punycode')|length }}"
    ),
    "sort": '{% set s = "\u0100" * 30000000 %}{{ s|sort|length }}',
    "map-list": '{% set s = "\u0100" * 30000000 %}{{ s|map("upper")|list|length }}',
    "splitlines": '{% set s = "ab\\n" * 30000000 %}{{ s.splitlines()|length }}',
    "title": '{% set s = "ab " * 30000000 %}{{ s|title|length }}',
    "wordcount": '{% set s = "ab " * 30000000 %}{{ s|wordcount }}',
    "striptags": '{% set s = "<a> " * 20000000 %}{{ s|striptags|length }}',
    "sum-lists": "{% set rows = [[0] * 1000] * 100000 %}{{ (rows|sum(start=[]))|length }}",
    "translate": '{% set s = "a" * 1000000 %}{{ s.translate({97: "b" * 3000})|length }}',
    "to-bytes": "{{ (1).to_bytes(2000000000, 'big')|length }}",
    "join-refs": '{% set s = "a" * 50000000 %}{{ ([s] * 100)|join|length }}',
    "print-refs": '{% set s = "a" * 50000000 %}{{ [s] * 100 }}',
    "in-equal": (
        '{% set a = "a" * 1000000 %}{% set b = "a" * 999999 ~ "a" %}'
        "{{ 'x' if a in [b] * 1000000 }}"
    ),
    "extend": '{% set l = [] %}{{ l.extend("\u0100" * 30000000) }}{{ l|length }}',
    "nested-if": "{% if 1 %}" * 3000 + "x" + "{% endif %}" * 3000,
}


def budget(kind: str) -> Callable[[Path], list[Command]]:
    def build(tmp: Path) -> list[Command]:
        org = pack(tmp / "packs" / "org", "org")
        docx(org / "flyer.docx", BUDGET[kind])
        return [["blank", "--templates", str(tmp / "packs"), "--locale", "org",
                 "--documents", "flyer", "--out", "out"]]  # fmt: skip

    return build


def zip_bomb(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    flyer = docx(org / "flyer.docx", "Hello {{ family.name }}")
    rezip(flyer, lambda n, d: None, [lying_bomb("word/media/image9.png", 2 * GiB, 4096)])
    return [_render(tmp / "packs", "org"), _check(org)]


DTD = '[\\x3c!ENTITY e SYSTEM "file:///etc/passwd">]>'
"""The rest of a DOCTYPE with an external entity; ``\\x3c`` is a ``<`` in a Jinja string."""


def doctype_footnote(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    flyer = docx(org / "flyer.docx", "Hello {{ family.name }}")
    with_footnotes(flyer, "{{ '\\x3c!DOCTYPE x " + DTD + "'|safe }}")
    return [_render(tmp / "packs", "org")]


def doctype_body(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    docx(org / "flyer.docx", "{{ ('%c' % 60) ~ '!DOCTYPE x " + DTD + "'|safe }}")
    return [_render(tmp / "packs", "org")]


def _broken_in_path(make: Callable[[Path], None]) -> Callable[[Path], list[Command]]:
    def build(tmp: Path) -> list[Command]:
        make(tmp / "packs" / "bad")
        return [Expect(_render(tmp / "packs", "da"), "warning"), _locales(tmp / "packs")]

    return build


def _non_utf8(folder: Path) -> None:
    folder.mkdir(parents=True)
    text = 'name = "bad"\nlocale = "da_DK"\ntitle = "\xe6\xf8"\n'
    (folder / "pack.toml").write_bytes(text.encode("latin-1"))


def _settings_5(folder: Path) -> None:
    pack(folder, "bad", extra="settings = 5\n")


def big_label(tmp: Path) -> list[Command]:
    bad = pack(tmp / "packs" / "bad", "bad")
    with (bad / "messages.po").open("w", encoding="utf-8") as handle:
        handle.write('msgid "network_map.alt"\nmsgstr "')
        for _ in range(144):
            handle.write("x" * MiB)
        handle.write('"\n')
    return [_render(tmp / "packs", "bad", "network_map"), Expect(_render(tmp / "packs", "da")),
            _locales(tmp / "packs"), _check(bad)]  # fmt: skip


def deep_extends(tmp: Path) -> list[Command]:
    for n in range(1200):
        parent = f"p{n + 1}" if n < 1199 else "da"
        pack(tmp / "packs" / f"p{n}", f"p{n}", extends=parent)
    packs = tmp / "packs"
    return [_render(packs, "p0"), Expect(_render(packs, "da")), _locales(packs),
            _check(packs / "p0")]  # fmt: skip


def format_text(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    (org / "messages.po").write_text(
        'msgid "network_map.alt"\nmsgstr "{count:>900000000} {family.__class__} {familie}"\n',
        encoding="utf-8",
    )
    return [Expect(_render(tmp / "packs", "org", "network_map"))]


def _damaged(change: Callable[[Path], None]) -> Callable[[Path], list[Command]]:
    def build(tmp: Path) -> list[Command]:
        org = pack(tmp / "packs" / "org", "org")
        change(docx(org / "flyer.docx", "Hello {{ family.name }}"))
        return [_render(tmp / "packs", "org"), _check(org)]

    return build


def _missing_part(path: Path) -> None:
    keep = [(i, d) for i, d in entries(path) if i.filename != "word/styles.xml"]
    raw_zip(path, [(i.filename, deflate(d), zlib.crc32(d), len(d)) for i, d in keep])


def _bad_xml(path: Path) -> None:
    rezip(path, lambda n, d: d[: len(d) // 2] if n == "word/document.xml" else None)


def _bad_crc(path: Path) -> None:
    items = [(i.filename, deflate(d), zlib.crc32(d), len(d)) for i, d in entries(path)]
    items = [(n, r, c ^ 1 if n == "word/document.xml" else c, s) for n, r, c, s in items]
    raw_zip(path, items)


def _wrong_type(path: Path) -> None:
    main = b"wordprocessingml.document.main+xml"
    other = b"wordprocessingml.comments+xml"
    rezip(path, lambda n, d: d.replace(main, other) if n.startswith("[") else None)


def _xlsx(path: Path) -> None:
    shutil.copyfile(WORKBOOK, path)


def label_control(tmp: Path) -> list[Command]:
    org = pack(tmp / "packs" / "org", "org")
    (org / "messages.po").write_text(
        'msgid "agreement_status.done"\nmsgstr "F\\x01rdig"\n'.replace("\\x01", "\x01"),
        encoding="utf-8",
    )
    return [_check(org), ["workbook", "--templates", str(tmp / "packs"), "--locale", "org",
                          "--out", "wb.xlsx"]]  # fmt: skip


ATTACKS = [
    Attack(
        "symlink-template",
        "outside",
        "flyer.docx is a link to another family's document",
        symlink_template,
    ),
    Attack("symlink-catalog", "outside", "messages.po is a link to a secret file", symlink_catalog),
    Attack(
        "symlink-manifest-2gib", "broken", "pack.toml is a link to a 2 GiB file", symlink_manifest
    ),
    Attack("zip-entry-escape", "outside", "a zip entry named ../../escaped.txt", zip_escape),
    Attack("extends-path", "outside", "extends = '../../elsewhere/evil'", extends_path),
    Attack(
        "workbook-meta-path", "workbook", "the meta sheet names a pack folder", workbook_meta_path
    ),
    Attack("hidden-sheet", "workbook", "a hidden sheet replaces the agreements", hidden_sheet),
    Attack("hidden-row", "workbook", "a hidden row adds an agreement", hidden_row),
    Attack("hidden-column", "workbook", "a hidden column holds an agreement", hidden_column),
    *(Attack(f"budget-{kind}", "budget", BUDGET[kind][:70], budget(kind)) for kind in BUDGET),
    Attack("zip-bomb-lying", "zip", "a 2 GiB image part that claims 4 KiB", zip_bomb),
    Attack("doctype-footnote", "doctype", "a footnote writes a DOCTYPE (|safe)", doctype_footnote),
    Attack("doctype-body", "doctype", "the body writes a DOCTYPE (|safe)", doctype_body),
    Attack("non-utf8-manifest", "broken", "pack.toml in Latin-1", _broken_in_path(_non_utf8)),
    Attack("settings-5", "broken", "settings = 5", _broken_in_path(_settings_5)),
    Attack("label-144mb", "broken", "a 144 MB label in messages.po", big_label),
    Attack("extends-1200", "broken", "a 1,200-deep extends chain", deep_extends),
    Attack(
        "format-pack-text",
        "format",
        "network_map.alt with a format spec and attributes",
        format_text,
    ),
    Attack("damaged-missing-part", "damaged", "word/styles.xml missing", _damaged(_missing_part)),
    Attack("damaged-bad-xml", "damaged", "document.xml cut in half", _damaged(_bad_xml)),
    Attack("damaged-bad-crc", "damaged", "document.xml with a wrong CRC", _damaged(_bad_crc)),
    Attack(
        "damaged-content-type",
        "damaged",
        "the main part declared as comments",
        _damaged(_wrong_type),
    ),
    Attack("damaged-xlsx-renamed", "damaged", "a workbook renamed flyer.docx", _damaged(_xlsx)),
    Attack("label-control-char", "damaged", "a label holding U+0001", label_control),
]


# --- running ------------------------------------------------------------------------------------


@dataclass
class Outcome:
    command: str
    status: int | None
    seconds: float
    peak_mib: float
    problems: list[str]
    message: str


def _limit(kib: int) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))

    return apply


def _written_problems(folder: Path, before: set[Path]) -> list[str]:
    found = []
    for path in folder.rglob("*"):
        if path in before or not path.is_file() or path.is_symlink():
            continue
        data = path.read_bytes()
        if CANARY.encode() in data:
            found.append(f"canary in {path.name}")
        if not zipfile.is_zipfile(path):
            continue
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.filename.startswith("/") or ".." in info.filename.split("/"):
                    found.append(f"entry {info.filename} in {path.name}")
                part = archive.read(info)
                if CANARY.encode() in part:
                    found.append(f"canary in {path.name}:{info.filename}")
                if b"<!DOCTYPE" in part or b"<!ENTITY" in part:
                    found.append(f"DOCTYPE in {path.name}:{info.filename}")
    return found


def _wait(process: subprocess.Popen[bytes], timeout: float) -> tuple[int, Any, bytes, bytes]:
    """Wait for *process* (killed after *timeout*); its exit status, resource use and output."""
    chunks: dict[str, list[bytes]] = {"out": [], "err": []}

    def drain(name: str, stream: Any) -> None:
        chunks[name].append(stream.read())

    readers = [
        threading.Thread(target=drain, args=("out", process.stdout)),
        threading.Thread(target=drain, args=("err", process.stderr)),
    ]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + timeout
    while True:
        pid, raw, usage = os.wait4(process.pid, os.WNOHANG)
        if pid:
            break
        if time.monotonic() > deadline:
            process.kill()
        time.sleep(0.05)
    process.returncode = status = os.waitstatus_to_exitcode(raw)
    for reader in readers:
        reader.join()
    return status, usage, b"".join(chunks["out"]), b"".join(chunks["err"])


def run(attack: Attack, timeout: float, kib: int) -> list[Outcome]:
    outcomes = []
    with tempfile.TemporaryDirectory(prefix="hostile-") as name:
        tmp = Path(name)
        commands = attack.build(tmp)
        env = {k: v for k, v in os.environ.items() if k != "FAMILYPLAN_DOCS_TEMPLATES"}
        env.update(attack.env)
        for command in commands:
            expect = command if isinstance(command, Expect) else None
            args = command.args if isinstance(command, Expect) else command
            before = set(tmp.rglob("*"))
            started = time.monotonic()
            process = subprocess.Popen(
                [sys.executable, "-m", "familyplan_docs", *args],
                cwd=tmp, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                preexec_fn=_limit(kib),
            )  # fmt: skip
            status, usage, out, err = _wait(process, timeout)
            seconds = time.monotonic() - started
            text = (out + err).decode("utf-8", "replace")
            problems = []
            if status < 0:
                problems.append(f"killed after {seconds:.0f} s")
            if "Traceback" in text:
                problems.append("traceback")
            if seconds > DONE_SECONDS:
                problems.append("over 90 s")
            if CANARY in text:
                problems.append("canary printed")
            if expect is None and status == 0:
                problems.append("not refused")
            if expect is not None and status != 0:
                problems.append("failed, though it does not use the hostile pack")
            if expect is not None and expect.shows not in text:
                problems.append(f"does not show {expect.shows!r}")
            if re.search(r"0x[0-9a-f]{6,}|<class ", text):
                problems.append("a memory address or class in the output")
            problems += _written_problems(tmp, before)
            lines = [line for line in err.decode("utf-8", "replace").splitlines() if line.strip()]
            message = next((line for line in lines if line.startswith("error")), "")
            message = message or (lines[-1] if lines else out.decode().strip()[:200])
            outcomes.append(
                Outcome(args[0], status, seconds, usage.ru_maxrss / 1024, problems,
                        message[:160])
            )  # fmt: skip
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", help="comma-separated attack names (default: all)")
    parser.add_argument("--timeout", type=float, default=150.0, help="kill a command after this")
    parser.add_argument("--limit-kib", type=int, default=3_000_000, help="like ulimit -v")
    parser.add_argument("--json", type=Path, help="also write the results as JSON")
    args = parser.parse_args()
    chosen = [a for a in ATTACKS if not args.only or a.name in args.only.split(",")]
    print(f"# {platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} cores")
    print(f"# address space limit {args.limit_kib:,} KiB (ulimit -v), timeout {args.timeout:g} s")
    results = {}
    failed = 0
    for attack in chosen:
        outcomes = run(attack, args.timeout, args.limit_kib)
        results[attack.name] = [o.__dict__ for o in outcomes]
        for o in outcomes:
            verdict = "ok " if not o.problems else "BAD"
            failed += bool(o.problems)
            said = "; ".join(o.problems) or o.message
            print(
                f"{verdict} {attack.klass:<9} {attack.name:<26} {o.command:<16} "
                f"exit {o.status!s:>4} {o.seconds:6.1f} s {o.peak_mib:7.0f} MiB  {said}",
                flush=True,
            )
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"# {failed} command(s) went wrong")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""What tests share besides fixtures: paths, the packs and samples, a tiny plan, .docx helpers.

Tests import these from here; ``conftest.py`` holds fixtures and the Hypothesis profiles only.
"""

from __future__ import annotations

import fcntl
import io
import json
import os
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from hypothesis import settings
from lxml import etree

from familyplan_docs._limits import MiB
from familyplan_docs.packs.builtin import samples_root, templates_root

ROOT = Path(__file__).resolve().parents[1]
"""The repository's root folder."""

BUILTIN_PACKS = sorted(p.name for p in templates_root().iterdir() if (p / "pack.toml").is_file())
"""The built-in packs' names."""

SAMPLES = sorted(samples_root().glob("*/*.json"))
"""The bundled sample plans."""

FAST_LANE = os.environ.get("FAMILYPLAN_TEST_LANE") == "fast"
"""``make check`` sets this: fewer Hypothesis examples (see ``conftest.py`` for the profiles)."""


def examples(count: int) -> settings:
    """Hypothesis settings for *count* examples (a tenth, at least 2, in the fast lane).

    Everything else (deadline, health checks, derandomizing in CI) comes from the profile
    registered in ``conftest.py``.
    """
    return settings(max_examples=max(2, count // 10) if FAST_LANE else count)


TINY: dict[str, Any] = {
    "country": "DK",
    "organization": {"name": "Testrup Kommune", "programme": "Familiens Fremtid"},
    "family": {
        "name": "Familien Test",
        "members": [
            {
                "id": "mor",
                "first_name": "Anna",
                "last_name": "Test",
                "role": "parent",
                "custody_of": ["son"],
            },
            {
                "id": "son",
                "first_name": "Bo",
                "last_name": "Test",
                "role": "child",
                "birth_date": "2010-05-01",
            },
        ],
    },
    "coordinators": [{"id": "k1", "name": "Karin Koordinator", "lead": True}],
    "goals": [{"goal": "Bo går i skole hver dag", "who": "Bo"}],
    "agreements": [{"content": "Møde med skolen", "responsible": "Anna", "deadline": "2027-01-15"}],
    "network": [
        {"id": "n1", "name": "Mormor", "group": "personal", "sector": "family"},
    ],
    "meetings": [
        {
            "kind": "network",
            "date": "2026-12-10",
            "start_time": "09:00",
            "end_time": "11:00",
            "participants": [{"name": "Anna Test", "member": "mor"}],
            "agenda": [{"title": "Velkomst", "minutes": 5}],
        }
    ],
}


def soffice_or_skip() -> str:
    """Return the LibreOffice binary; in CI a missing LibreOffice fails instead of skipping."""
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail("LibreOffice is required in CI (.ci/run installs it)")
    pytest.skip("LibreOffice is not installed")


JS = ROOT / "tests" / "js"
"""JavaScript clients from npm (``package.json``: ajv, ajv-formats, ical.js) and the scripts
that run them (``validate.mjs``, ``read-ics.mjs``)."""


def _node_ready() -> str:
    """Return the node binary with the packages of ``tests/js`` installed; skip without node
    (in CI, fail). ``make setup`` installs the packages; when they are missing, npm does."""
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("Node.js is required in CI (scripts/system-deps.sh installs it)")
        pytest.skip("Node.js is not installed: the JavaScript clients are not tried")
    packages = json.loads((JS / "package.json").read_text(encoding="utf-8"))["dependencies"]
    modules = JS / "node_modules"
    if not all((modules / name / "package.json").is_file() for name in packages):
        npm = shutil.which("npm")
        if npm is None:
            pytest.fail("npm is needed to install ajv (tests/js/package.json)")
        with (JS / ".install.lock").open("w") as lock:  # one pytest worker installs
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not all((modules / name / "package.json").is_file() for name in packages):
                subprocess.run(
                    [npm, "ci", "--no-audit", "--no-fund", "--silent"],
                    cwd=JS, check=True, timeout=600,
                )  # fmt: skip
    return node


def ajv_validate(schema: dict[str, Any], documents: list[Any]) -> list[list[dict[str, str]]]:
    """Validate *documents* against *schema* with ajv + ajv-formats (strict mode, formats
    checked), as a JavaScript client would: one list of errors per document (empty: valid).

    Each error has the ``path`` (a JSON pointer such as ``/family/members/0/id``) and
    ajv's ``message``.
    """
    node = _node_ready()
    schema_file = JS / f".schema-{os.getpid()}.json"
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    try:
        lines = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in documents)
        done = subprocess.run(
            [node, str(JS / "validate.mjs"), str(schema_file)],
            input=lines, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    finally:
        schema_file.unlink(missing_ok=True)
    assert done.returncode == 0, f"ajv failed: {done.stderr}"
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(results) == len(documents)
    return [r.get("errors", []) for r in results]


def ical_js_read(invitations: list[bytes]) -> list[dict[str, Any]]:
    """Read each .ics file with ical.js (Thunderbird's parser): its ``method``, ``start``
    and ``end`` (UTC, ``YYYY-MM-DDTHH:MM:SSZ``), length in ``minutes``, number of
    ``attendees`` and whether it has an ``organizer``; or an ``error``."""
    node = _node_ready()
    lines = "".join(json.dumps(ics.decode("utf-8")) + "\n" for ics in invitations)
    done = subprocess.run(
        [node, str(JS / "read-ics.mjs")],
        input=lines, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, f"ical.js failed: {done.stderr}"
    results = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(results) == len(invitations)
    return results


W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_text(path: Path) -> str:
    """All text of a .docx (body, tables, headers, footers), one line per paragraph.

    ``<w:br/>`` becomes a newline and ``<w:tab/>`` a tab, so data arrives as typed.
    """
    lines = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.startswith("word/") or not name.endswith(".xml"):
                continue
            if not name.split("/")[-1].startswith(("document", "header", "footer")):
                continue
            root = etree.fromstring(archive.read(name), etree.XMLParser(huge_tree=True))
            for p in root.iter(f"{W}p"):
                parts = []
                for el in p.iter(f"{W}t", f"{W}br", f"{W}tab"):
                    if el.tag == f"{W}t":
                        parts.append(el.text or "")
                    elif el.tag == f"{W}br":
                        parts.append("\n")
                    elif el.getparent() is not None and el.getparent().tag == f"{W}r":
                        parts.append("\t")  # a tab in the text, not a tab stop of the paragraph
                lines.append("".join(parts))
    return "\n".join(lines)


def make_docx(path: Path, *paragraphs: str) -> Path:
    """Write a minimal .docx whose paragraphs are the given texts (Jinja tags allowed)."""
    doc = Document()
    for text in paragraphs:
        doc.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def make_pack(
    folder: Path,
    name: str,
    *,
    extends: str | None = "da",
    locale: str = "da_DK",
    extra: str = "",
) -> Path:
    """Write a pack.toml into *folder*, ending with the TOML *extra* (documents are added by
    the caller)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = [f'name = "{name}"', f'locale = "{locale}"', 'version = "0.1"']
    if extends:
        lines.append(f'extends = "{extends}"')
    text = "\n".join(lines) + "\n" + extra
    (folder / "pack.toml").write_text(text, encoding="utf-8")
    return folder


# --- zip packages as an attacker writes them (sizes and CRCs may lie) -------------------------


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
    path.write_bytes(zip_data(entries))
    return path


def zip_data(entries: list[RawEntry]) -> bytes:
    """The bytes of a zip archive of *entries*, written as given (no zip64)."""
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
    return out.getvalue()


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

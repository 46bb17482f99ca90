"""Every limit that protects the program from hostile or runaway input, in one place.

Going over a limit gives a clear error (:class:`InputError` for a plan,
:class:`PackError` for a template pack, :class:`TemplateRenderError` for a render),
never a hang or a memory blow-up. The README's section "Limits and bad characters"
lists the same numbers.

=============================  ==================================================
input                          limit
=============================  ==================================================
JSON plan                      :data:`MAX_JSON_BYTES`
one free-text field            :data:`MAX_TEXT` characters (names: :data:`MAX_NAME`)
every list in the plan         :data:`MAX_ITEMS` entries
workbook (.xlsx)               :data:`WORKBOOK_MAX_FILE_BYTES`, unpacked
                               :data:`WORKBOOK_MAX_UNCOMPRESSED_BYTES`, parts
                               :data:`WORKBOOK_MAX_ZIP_ENTRIES`, rows per sheet
                               :data:`WORKBOOK_MAX_ROWS`, columns
                               :data:`WORKBOOK_MAX_COLUMNS`, filled cells
                               :data:`WORKBOOK_MAX_CELLS`
template document (.docx)      :data:`MAX_TEMPLATE_BYTES`, unpacked
                               :data:`MAX_TEMPLATE_UNPACKED_BYTES`, parts
                               :data:`MAX_TEMPLATE_PARTS`, one XML part
                               :data:`MAX_TEMPLATE_XML_BYTES`, no ``<!DOCTYPE``
template pack folder           :data:`MAX_PACK_BYTES` in :data:`MAX_PACK_FILES` files
one document's render          :data:`RENDER_SECONDS`, :data:`RENDER_MAX_CHARS`
                               characters made, :data:`RENDER_MAX_ITERATIONS` loop
                               turns, :data:`RENDER_MAX_ITEMS` list entries,
                               :data:`RENDER_MAX_INT_BITS`-bit numbers, ``range()``
                               up to :data:`RENDER_MAX_RANGE`
=============================  ==================================================

The workbook's limits are defined (and enforced) by :mod:`._workbook_check` and
:mod:`._workbook_read`; they are repeated here under ``WORKBOOK_`` names. The render
limits are enforced by the sandboxed environment (:mod:`._environment`), which reads them
from this module when a render starts, so tests may lower them with ``monkeypatch``.
"""

from __future__ import annotations

import os
import re
import stat
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

from defusedxml import ElementTree as SafeElementTree
from jinja2.sandbox import MAX_RANGE

from ._errors import PackError
from ._workbook_check import (
    MAX_CELLS as WORKBOOK_MAX_CELLS,
)
from ._workbook_check import (
    MAX_COLUMNS as WORKBOOK_MAX_COLUMNS,
)
from ._workbook_check import (
    MAX_FILE_BYTES as WORKBOOK_MAX_FILE_BYTES,
)
from ._workbook_check import (
    MAX_ROWS as WORKBOOK_MAX_ROWS,
)
from ._workbook_check import (
    MAX_UNCOMPRESSED_BYTES as WORKBOOK_MAX_UNCOMPRESSED_BYTES,
)
from ._workbook_check import (
    MAX_ZIP_ENTRIES as WORKBOOK_MAX_ZIP_ENTRIES,
)

__all__ = [
    "MAX_ITEMS",
    "MAX_JSON_BYTES",
    "MAX_NAME",
    "MAX_PACK_BYTES",
    "MAX_PACK_FILES",
    "MAX_TEMPLATE_BYTES",
    "MAX_TEMPLATE_PARTS",
    "MAX_TEMPLATE_UNPACKED_BYTES",
    "MAX_TEMPLATE_XML_BYTES",
    "MAX_TEXT",
    "RENDER_MAX_CHARS",
    "RENDER_MAX_INT_BITS",
    "RENDER_MAX_ITEMS",
    "RENDER_MAX_ITERATIONS",
    "RENDER_MAX_RANGE",
    "RENDER_SECONDS",
    "WORKBOOK_MAX_CELLS",
    "WORKBOOK_MAX_COLUMNS",
    "WORKBOOK_MAX_FILE_BYTES",
    "WORKBOOK_MAX_ROWS",
    "WORKBOOK_MAX_UNCOMPRESSED_BYTES",
    "WORKBOOK_MAX_ZIP_ENTRIES",
    "check_pack_folder",
    "check_template_file",
]

MiB = 1024 * 1024

# --- the plan -------------------------------------------------------------------------------

MAX_JSON_BYTES = 20 * MiB
"""The largest JSON plan accepted, in bytes (20 MiB); refused before it is parsed."""

MAX_TEXT = 20_000
"""The longest free text a single field may hold, in characters (code points)."""

MAX_NAME = 200
"""The longest name, phone number, e-mail address or other short text, in characters."""

MAX_ITEMS = 5_000
"""The most entries any list of the plan may hold (members, agreements, network, …)."""

# --- template packs ------------------------------------------------------------------------

MAX_TEMPLATE_BYTES = 25 * MiB
"""The largest template document (.docx file) accepted, in bytes."""

MAX_TEMPLATE_UNPACKED_BYTES = 100 * MiB
"""The most a template document's parts may hold once unzipped, in bytes; stops zip bombs."""

MAX_TEMPLATE_PARTS = 1_000
"""The most parts (zip entries) a template document may have."""

MAX_TEMPLATE_XML_BYTES = 20 * MiB
"""The largest single XML part of a template document (``word/document.xml`` …), in bytes."""

MAX_PACK_BYTES = 200 * MiB
"""The most all files of one pack folder may hold together, in bytes."""

MAX_PACK_FILES = 1_000
"""The most files (and folders) a pack folder may hold, counted down to any depth."""

# --- rendering -----------------------------------------------------------------------------

RENDER_SECONDS = 60.0
"""The longest one document may take to render (all its parts together), in seconds."""

RENDER_MAX_CHARS = 100_000_000
"""The most characters the templates of one document may produce while it renders."""

RENDER_MAX_ITERATIONS = 10_000_000
"""The most loop turns (``{% for %}``, over all loops) while one document renders."""

RENDER_MAX_ITEMS = 1_000_000
"""The most entries a list or mapping that a template builds may hold."""

RENDER_MAX_INT_BITS = 10_000
"""The largest whole number a template may compute, in bits (about 3,000 digits)."""

RENDER_MAX_RANGE = MAX_RANGE
"""The longest ``range()`` a template may make (jinja2's sandbox limit, 100,000)."""


# --- checking template files and pack folders ----------------------------------------------

_DOCTYPES = tuple(
    "<!DOCTYPE".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_ENCODING = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")
_ASCII_LIKE: tuple[bytes, ...] = (b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-")
_ASCII_LIKE += (b"iso8859", b"latin", b"windows-125", b"cp125")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_CONTENT_TYPES = "[Content_Types].xml"
_SVG = "image/svg+xml"
_CACHE_SIZE = 512
_checked: OrderedDict[tuple[str, int, int], None] = OrderedDict()
_lock = threading.Lock()


def check_template_file(path: str | Path) -> None:
    """Refuse a template document that is too large, a zip bomb or holds a ``<!DOCTYPE``.

    Checks the file's size, the number of its parts and their unpacked size (as declared,
    which is also the most Python's zipfile will ever unpack), the size of every XML part,
    and that no XML part declares a document type: a DTD is how entity-expansion attacks
    ("billion laughs") and external entities get in, and Word never writes one. Also checks
    the pack folder holding the file (:func:`check_pack_folder`). A file that passed is
    remembered (by path, size and modification time), so checking again costs one ``stat``.

    Raises :class:`PackError` naming the file and the limit.
    """
    path = Path(path)
    try:
        info = path.stat()
    except OSError as exc:
        raise PackError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    key = (str(path.resolve()), info.st_mtime_ns, info.st_size)
    with _lock:
        if key in _checked:
            _checked.move_to_end(key)
            return
    check_pack_folder(path.parent)
    _check_document(path, info.st_size)
    with _lock:
        _checked[key] = None
        while len(_checked) > _CACHE_SIZE:
            _checked.popitem(last=False)


def _check_document(path: Path, size: int) -> None:
    if size > MAX_TEMPLATE_BYTES:
        raise PackError(
            f"{path}: the document is larger than {MAX_TEMPLATE_BYTES // MiB} MiB, "
            "more than a template needs (are there very large images in it?)"
        )
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackError(
            f"{path}: not a Word document (.docx): the zip package is damaged"
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_TEMPLATE_PARTS:
            raise PackError(f"{path}: the document has more than {MAX_TEMPLATE_PARTS} parts")
        unpacked = sum(info.file_size for info in infos)
        if unpacked > MAX_TEMPLATE_UNPACKED_BYTES:
            raise PackError(
                f"{path}: the document unpacks to more than "
                f"{MAX_TEMPLATE_UNPACKED_BYTES // MiB} MiB; it is not a usable template"
            )
        xml_parts = _xml_parts(path, archive, infos)
        for info in infos:
            if info.filename not in xml_parts:
                continue
            if info.file_size > MAX_TEMPLATE_XML_BYTES:
                raise PackError(
                    f"{path}: the part {info.filename} is larger than "
                    f"{MAX_TEMPLATE_XML_BYTES // MiB} MiB"
                )
            problem = _xml_problem(_read(path, archive, info))
            if problem:
                raise PackError(f"{path}: the part {info.filename} {problem}")


def _read(path: Path, archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    try:
        return archive.read(info)
    except Exception as exc:  # damaged entries: bad CRC, bad deflate data, encryption
        raise PackError(
            f"{path}: the part {info.filename} cannot be read ({type(exc).__name__}); "
            "the document is damaged"
        ) from None


def _xml_parts(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> set[str]:
    """The parts a reader parses as XML: by content type (any but SVG images) or by suffix."""
    names = {info.filename for info in infos}
    if _CONTENT_TYPES not in names:
        raise PackError(f"{path}: not a Word document (.docx): it has no {_CONTENT_TYPES}")
    info = archive.getinfo(_CONTENT_TYPES)
    if info.file_size > MAX_TEMPLATE_XML_BYTES:
        raise PackError(
            f"{path}: the part {_CONTENT_TYPES} is larger than {MAX_TEMPLATE_XML_BYTES // MiB} MiB"
        )
    data = _read(path, archive, info)
    problem = _xml_problem(data)
    if problem:
        raise PackError(f"{path}: the part {_CONTENT_TYPES} {problem}")
    try:
        root = SafeElementTree.fromstring(data)
    except Exception:  # defusedxml refusals and parse errors
        raise PackError(f"{path}: its {_CONTENT_TYPES} cannot be read") from None
    defaults: dict[str, str] = {}
    overrides: dict[str, str] = {}
    for element in root.iter():
        content_type = (element.get("ContentType") or "").lower()
        if element.tag.endswith("Default"):
            defaults[(element.get("Extension") or "").lower()] = content_type
        elif element.tag.endswith("Override"):
            overrides[(element.get("PartName") or "").lstrip("/").lower()] = content_type
    xml = set()
    for name in names:
        lowered = name.lower()
        suffix = lowered.rsplit(".", 1)[-1] if "." in lowered.rsplit("/", 1)[-1] else ""
        content_type = overrides.get(lowered, defaults.get(suffix, ""))
        by_type = "xml" in content_type and content_type != _SVG
        if by_type or lowered.endswith(_XML_SUFFIXES):
            xml.add(name)
    return xml


def _xml_problem(data: bytes) -> str | None:
    """Why an XML part is refused: a ``<!DOCTYPE``, or an encoding that hides one."""
    if any(doctype in data for doctype in _DOCTYPES):
        return (
            "declares a document type (<!DOCTYPE>); Word never writes one and it can hide an "
            "entity-expansion attack, so the template is refused"
        )
    head = data[:4]
    if head.startswith(_UNICODE_BOMS) or head[:2] in (b"<\0", b"\0<"):
        return None  # UTF-8, UTF-16 or UTF-32: searched above
    text = data.lstrip(b" \t\r\n")
    if not text.startswith(b"<"):
        return "is not XML in UTF-8 or UTF-16 (save the document again in Word)"
    declared = _ENCODING.match(text)
    if declared and not declared.group(1).lower().startswith(_ASCII_LIKE):
        encoding = declared.group(1).decode("ascii")
        return f"is in the encoding {encoding}; save the document again in Word (UTF-8)"
    return None


def check_pack_folder(folder: str | Path) -> None:
    """Refuse a pack folder holding more than :data:`MAX_PACK_BYTES` or :data:`MAX_PACK_FILES`.

    Walks the folder (without following links to folders) and stops as soon as a limit
    is passed. Raises :class:`PackError` naming the folder and the limit.
    """
    folder = Path(folder)
    total = 0
    count = 0
    pending = [folder]
    while pending:
        current = pending.pop()
        try:
            entries = list(os.scandir(current))
        except OSError:
            continue
        for entry in entries:
            count += 1
            if count > MAX_PACK_FILES:
                raise PackError(
                    f"{folder}: the pack folder holds more than {MAX_PACK_FILES} files; "
                    "a pack needs pack.toml, messages.po and one .docx per document kind"
                )
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if stat.S_ISDIR(info.st_mode):
                pending.append(Path(entry.path))
            elif stat.S_ISREG(info.st_mode):
                total += info.st_size
                if total > MAX_PACK_BYTES:
                    raise PackError(
                        f"{folder}: the pack folder holds more than {MAX_PACK_BYTES // MiB} MiB"
                    )

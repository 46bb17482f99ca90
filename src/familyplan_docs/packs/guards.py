"""Guards for the untrusted template documents (.docx) of a pack.

:func:`load_template` reads a template the only way the program reads one: the pack's own
regular file (:func:`familyplan_docs.packs.files.read_pack_file`: no link, at most
:data:`~familyplan_docs._limits.MAX_TEMPLATE_BYTES`), every part unpacked with its size
measured while reading (never taken from the zip header), and refuses it when

* a part's name points outside the package (``../../x``, ``/x``) or is there twice;
* it has too many parts, a part too large, or unpacks to too much (a zip bomb);
* an XML part declares a document type (how entity-expansion attacks and external
  entities get in; Word never writes one) or is in an encoding that could hide one, or a
  relationships part is not well-formed (python-docx parses the others, and a damaged
  one is refused there: :func:`familyplan_docs.render.compiled.template.compiled_template`);
* it is not a Word document: no main document part, or one of another type (a workbook
  renamed ``.docx``), a relationship naming a part that is missing, a part without a
  content type; or a part is damaged (bad CRC, bad data).

The result, :class:`TemplatePackage`, holds the measured parts and gives libraries that
trust zip headers (python-docx) an honest copy of the package. :func:`check_template_file`
runs the same checks and remembers a file that passed (by path, inode, size and time).
The numbers are in :mod:`familyplan_docs._limits`, read when a check runs.
"""

from __future__ import annotations

import io
import os
import posixpath
import re
import stat
import threading
import zipfile
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from .. import _cache, _limits
from .._errors import PackError
from .._limits import MiB
from .._ooxml import (
    CONTENT_TYPES,
    ContentTypes,
    PackageProblem,
    PartData,
    PartTooLarge,
    honest_package,
    open_package,
    parse_content_types,
    read_parts,
)
from .files import _LINK, check_pack_folder, read_pack_file

__all__ = [
    "PNG_SIGNATURE",
    "TemplatePackage",
    "check_logo_file",
    "check_template",
    "check_template_file",
    "load_template",
    "read_template",
    "template_limits",
    "xml_problem",
]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_DOCTYPES = tuple(
    "<!DOCTYPE".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_ENCODING = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")
_ASCII_LIKE: tuple[bytes, ...] = (b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-")
_ASCII_LIKE += (b"iso8859", b"latin", b"windows-125", b"cp125")
_XML_SUFFIXES = (".xml", ".rels", ".vml", ".svg")
_WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_OFFICE_DOCUMENT = "/officeDocument"
_OTHER_MAINS = {
    "spreadsheetml": "an Excel workbook",
    "presentationml": "a PowerPoint presentation",
    "wordprocessingml.template": "a Word template (.dotx); save it as a Word document (.docx)",
    "macroenabled": "a document with macros (.docm); save it as a Word document (.docx)",
}
_CACHE_SIZE = 512
_checked: OrderedDict[tuple[str, int, int, int], None] = OrderedDict()
_lock = threading.Lock()


@dataclass(frozen=True)
class TemplatePackage:
    """A template document that passed every check: its parts, read and measured."""

    path: Path
    parts: tuple[PartData, ...]

    def honest(self) -> io.BytesIO:
        """The package written afresh, for libraries that trust zip headers (python-docx)."""
        return io.BytesIO(honest_package(list(self.parts)))

    def clean_copy(self) -> bytes:
        """The package written afresh and compressed: a copy of the template to keep."""
        return honest_package(list(self.parts), compress=True)


def load_template(path: str | Path) -> TemplatePackage:
    """Read and check the template document *path*; :class:`PackError` names the problem.

    The pack folder holding it is checked too
    (:func:`familyplan_docs.packs.files.check_pack_folder`).
    """
    path = Path(path)
    return check_template(path, read_template(path))


def read_template(path: str | Path) -> bytes:
    """The bytes of the template document *path*, read as :func:`load_template` reads them.

    Its pack folder is checked and the file read as the pack's own regular file, at most
    :data:`~familyplan_docs._limits.MAX_TEMPLATE_BYTES`; nothing inside it is checked yet
    (:func:`check_template` does that).
    """
    path = Path(path)
    check_pack_folder(path.parent)
    try:
        return read_pack_file(path.parent, path.name, _limits.MAX_TEMPLATE_BYTES)
    except FileNotFoundError:
        raise PackError(f"{path}: no such file") from None
    except PackError as exc:
        if "larger than" in str(exc):
            raise PackError(
                f"{path}: the document is larger than {_size(_limits.MAX_TEMPLATE_BYTES)}, more "
                "than a template needs (are there very large images in it?)"
            ) from None
        raise


def check_template(path: Path, data: bytes) -> TemplatePackage:
    """Check *data*, the bytes :func:`read_template` read from *path*, as :func:`load_template`."""
    try:
        archive = open_package(data)
    except PackageProblem:
        raise PackError(
            f"{path}: not a Word document (.docx): the zip package is damaged"
        ) from None
    with archive:
        try:
            parts = _read(archive)
            _check_parts(parts)
        except PackageProblem as problem:
            raise PackError(f"{path}: {problem}") from None
    return TemplatePackage(path, tuple(parts))


def template_limits() -> tuple[int, ...]:
    """The limits a template document is checked under (read when a check runs)."""
    return (
        _limits.MAX_TEMPLATE_BYTES,
        _limits.MAX_TEMPLATE_UNPACKED_BYTES,
        _limits.MAX_TEMPLATE_PARTS,
        _limits.MAX_TEMPLATE_PART_BYTES,
        _limits.MAX_TEMPLATE_XML_BYTES,
    )


_PASSED = "guard"
"""The persistent cache's namespace of template files that passed :func:`check_template`."""


def _check_once(path: Path) -> None:
    """:func:`load_template`'s checks, unless the same bytes passed them under the same limits.

    A pass is kept in the persistent cache (:mod:`familyplan_docs._cache`) under the file's
    bytes, the limits and the package's code; a refusal is never kept, and the file is
    always read as :func:`read_template` reads it (link, size, pack folder).
    """
    data = read_template(path)
    store = _cache.store()
    if store is None:
        check_template(path, data)
        return
    key = _cache.digest(_PASSED, _cache.package_fingerprint(), repr(template_limits()), data)
    if store.get(_PASSED, key) == b"ok":
        return
    check_template(path, data)  # the very bytes the key names
    store.put(_PASSED, key, b"ok")


def check_template_file(path: str | Path) -> None:
    """Refuse a template document that :func:`load_template` refuses; remember one that passed.

    A file that passed is remembered (by path, inode, size and modification time), so
    checking it again costs one ``lstat``. Raises :class:`PackError` naming the file.
    """
    path = Path(path)
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise PackError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if stat.S_ISLNK(info.st_mode):
        raise PackError(f"{path}: {_LINK}")
    key = (str(path.absolute()), info.st_ino, info.st_mtime_ns, info.st_size)
    with _lock:
        if key in _checked:
            _checked.move_to_end(key)
            return
    _check_once(path)
    with _lock:
        _checked[key] = None
        while len(_checked) > _CACHE_SIZE:
            _checked.popitem(last=False)


def _size(limit: int) -> str:
    return f"{limit // MiB} MiB" if limit >= MiB else f"{limit:,} bytes"


def _read(archive: zipfile.ZipFile) -> list[PartData]:
    try:
        return read_parts(
            archive,
            part_limit=_limits.MAX_TEMPLATE_PART_BYTES,
            total_limit=_limits.MAX_TEMPLATE_UNPACKED_BYTES,
            max_parts=_limits.MAX_TEMPLATE_PARTS,
        )
    except PartTooLarge as problem:
        if "package unpacks" in str(problem):
            raise PackageProblem(
                f"the document unpacks to more than {_size(_limits.MAX_TEMPLATE_UNPACKED_BYTES)}; "
                "it is not a usable template"
            ) from None
        raise
    except PackageProblem as problem:
        if "more than" in str(problem) and "parts" in str(problem):
            raise PackageProblem(
                f"the document has more than {_limits.MAX_TEMPLATE_PARTS} parts"
            ) from None
        raise


def _check_parts(parts: list[PartData]) -> None:
    """Every XML part safe and well-formed, and the package a Word document."""
    by_name = {part.name: part for part in parts}
    if CONTENT_TYPES not in by_name:
        raise PackageProblem(f"not a Word document (.docx): it has no {CONTENT_TYPES}")
    problem = xml_problem(by_name[CONTENT_TYPES].data)
    if problem:
        raise PackageProblem(f"the part {CONTENT_TYPES} {problem}")
    types = parse_content_types(by_name[CONTENT_TYPES].data)
    trees = {}
    for part in parts:
        by_type = "xml" in types.of(part.name)  # SVG images too: LibreOffice parses them
        if not (by_type or part.name.lower().endswith(_XML_SUFFIXES)):
            continue
        if len(part.data) > _limits.MAX_TEMPLATE_XML_BYTES:
            raise PackageProblem(
                f"the part {part.name} is larger than {_size(_limits.MAX_TEMPLATE_XML_BYTES)}"
            )
        problem = xml_problem(part.data)
        if problem:
            raise PackageProblem(f"the part {part.name} {problem}")
        if part.name.lower().endswith(".rels"):  # others are parsed by python-docx, once
            trees[part.name] = _parse(part)
    _check_word_package(by_name, types, trees)


_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, collect_ids=False
)


def _parse(part: PartData) -> etree._Element:
    try:
        return etree.fromstring(part.data, parser=_PARSER)
    except etree.XMLSyntaxError as exc:
        line = f" (line {exc.lineno})" if exc.lineno else ""
        raise PackageProblem(
            f"the part {part.name} is not well-formed XML{line}: {exc.msg}; the document is "
            "damaged (open it in Word and save it again)"
        ) from None


def _relationships(tree: etree._Element | None) -> list[tuple[str, str]]:
    """The internal relationships of a ``.rels`` part: (type, target)."""
    if tree is None:
        return []
    found = []
    for element in tree:
        if not isinstance(element.tag, str) or not element.tag.endswith("Relationship"):
            continue
        if (element.get("TargetMode") or "").lower() == "external":
            continue
        found.append((element.get("Type") or "", element.get("Target") or ""))
    return found


def _rels_name(partname: str) -> str:
    folder, name = posixpath.split(partname)
    return posixpath.join(folder, "_rels", f"{name}.rels").lstrip("/")


def _check_word_package(
    parts: dict[str, PartData], types: ContentTypes, trees: dict[str, etree._Element]
) -> None:
    """What python-docx needs to open the package: the same walk of its relationships."""
    package_rels = _relationships(trees.get("_rels/.rels"))
    main = next((t for kind, t in package_rels if kind.endswith(_OFFICE_DOCUMENT)), None)
    if main is None:
        raise PackageProblem("not a Word document (.docx): it has no main document part")
    pending = [("/", trees.get("_rels/.rels"), "_rels/.rels")]
    seen: set[str] = set()
    while pending:
        base, tree, rels = pending.pop()
        for _kind, target in _relationships(tree):
            partname = posixpath.abspath(posixpath.join(base, target))
            name = partname.lstrip("/")
            if name in seen:
                continue
            seen.add(name)
            if name not in parts:
                raise PackageProblem(
                    f"{rels} names the part {name}, which is not in the package; the "
                    "document is damaged (open it in Word and save it again)"
                )
            if not types.of(name):
                raise PackageProblem(f"the part {name} has no content type in {CONTENT_TYPES}")
            child = _rels_name(partname)
            if child in parts:
                pending.append((posixpath.dirname(partname), trees.get(child), child))
    main_name = posixpath.abspath(posixpath.join("/", main)).lstrip("/")
    main_type = types.of(main_name)
    if main_type != _WORD_MAIN:
        what = next((w for key, w in _OTHER_MAINS.items() if key in main_type), None)
        raise PackageProblem(
            f"not a Word document (.docx): it is {what}"
            if what
            else f"not a Word document (.docx): its main part is of the type {main_type!r}"
        )


def xml_problem(data: bytes) -> str | None:
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


def check_logo_file(path: str | Path) -> bytes:
    """Return the bytes of a pack's logo, refusing anything but a small PNG in the pack.

    The logo must be a regular file directly in its pack's folder (not a link that could
    lead out of it), at most :data:`familyplan_docs._limits.MAX_LOGO_BYTES`, and a PNG
    image. Raises :class:`FileNotFoundError` when there is none, and :class:`PackError`
    naming the file otherwise.
    """
    path = Path(path)
    data = read_pack_file(path.parent, path.name, _limits.MAX_LOGO_BYTES)
    if not data.startswith(PNG_SIGNATURE):
        raise PackError(f"{path}: the logo is not a PNG image; save it as PNG (logo.png)")
    return data

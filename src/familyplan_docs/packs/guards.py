"""Guards for untrusted pack files: template documents and pack folders.

A template document is refused when it is too large, a zip bomb, or has an XML part that
declares a document type (how entity-expansion attacks and external entities get in;
Word never writes one). A pack folder is refused when it holds too much. The numbers are
in :mod:`familyplan_docs._limits`, read when a check runs (so tests may lower them).
"""

from __future__ import annotations

import os
import re
import stat
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path

from .. import _limits
from .._errors import PackError
from .._limits import MiB
from .._ooxml import PackageProblem, content_types, open_package, read_part

__all__ = ["check_logo_file", "check_pack_folder", "check_template_file", "xml_problem"]

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

_DOCTYPES = tuple(
    "<!DOCTYPE".encode(codec)
    for codec in ("utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be")
)
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")
_ENCODING = re.compile(rb"<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)")
_ASCII_LIKE: tuple[bytes, ...] = (b"utf-8", b"utf8", b"us-ascii", b"ascii", b"iso-8859-")
_ASCII_LIKE += (b"iso8859", b"latin", b"windows-125", b"cp125")
_XML_SUFFIXES = (".xml", ".rels", ".vml")
_SVG = "image/svg+xml"
_CACHE_SIZE = 512
_checked: OrderedDict[tuple[str, int, int], None] = OrderedDict()
_lock = threading.Lock()


def check_template_file(path: str | Path) -> None:
    """Refuse a template document that is too large, a zip bomb or holds a ``<!DOCTYPE``.

    Checks the file's size, the number of its parts and their unpacked size (declared, and
    measured while each XML part is read), the size of every XML part, and that no XML part
    declares a document type. Also checks the pack folder holding the file
    (:func:`check_pack_folder`). A file that passed is remembered (by path, size and
    modification time), so checking again costs one ``stat``.

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
    if size > _limits.MAX_TEMPLATE_BYTES:
        raise PackError(
            f"{path}: the document is larger than {_limits.MAX_TEMPLATE_BYTES // MiB} MiB, "
            "more than a template needs (are there very large images in it?)"
        )
    try:
        archive = open_package(path)
    except PackageProblem:
        raise PackError(
            f"{path}: not a Word document (.docx): the zip package is damaged"
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > _limits.MAX_TEMPLATE_PARTS:
            raise PackError(
                f"{path}: the document has more than {_limits.MAX_TEMPLATE_PARTS} parts"
            )
        unpacked = sum(info.file_size for info in infos)
        if unpacked > _limits.MAX_TEMPLATE_UNPACKED_BYTES:
            raise PackError(
                f"{path}: the document unpacks to more than "
                f"{_limits.MAX_TEMPLATE_UNPACKED_BYTES // MiB} MiB; it is not a usable template"
            )
        try:
            _check_xml_parts(path, archive, infos)
        except PackageProblem as problem:
            raise PackError(f"{path}: {problem}") from None


def _check_xml_parts(path: Path, archive: zipfile.ZipFile, infos: list[zipfile.ZipInfo]) -> None:
    """Check every part a reader parses as XML: by content type (not SVG) or by suffix."""
    names = {info.filename for info in infos}
    if "[Content_Types].xml" not in names:
        raise PackError(f"{path}: not a Word document (.docx): it has no [Content_Types].xml")
    info = archive.getinfo("[Content_Types].xml")
    problem = xml_problem(read_part(archive, info, _limits.MAX_TEMPLATE_XML_BYTES))
    if problem:
        raise PackError(f"{path}: the part [Content_Types].xml {problem}")
    types = content_types(archive, _limits.MAX_TEMPLATE_XML_BYTES)
    for info in infos:
        content_type = types.of(info.filename)
        by_type = "xml" in content_type and content_type != _SVG
        if not (by_type or info.filename.lower().endswith(_XML_SUFFIXES)):
            continue
        if info.file_size > _limits.MAX_TEMPLATE_XML_BYTES:
            raise PackError(
                f"{path}: the part {info.filename} is larger than "
                f"{_limits.MAX_TEMPLATE_XML_BYTES // MiB} MiB"
            )
        problem = xml_problem(read_part(archive, info, _limits.MAX_TEMPLATE_XML_BYTES))
        if problem:
            raise PackError(f"{path}: the part {info.filename} {problem}")


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


def check_pack_folder(folder: str | Path) -> None:
    """Refuse a pack folder holding more bytes or files than the limits allow.

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
            if count > _limits.MAX_PACK_FILES:
                raise PackError(
                    f"{folder}: the pack folder holds more than {_limits.MAX_PACK_FILES} files; "
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
                if total > _limits.MAX_PACK_BYTES:
                    limit = _limits.MAX_PACK_BYTES // MiB
                    raise PackError(f"{folder}: the pack folder holds more than {limit} MiB")


def check_logo_file(path: str | Path) -> bytes:
    """Return the bytes of a pack's logo, refusing anything but a small PNG in the pack.

    The logo must be a regular file (not a link that could lead out of the pack), at most
    :data:`familyplan_docs._limits.MAX_LOGO_BYTES` and a PNG image. Raises
    :class:`PackError` naming the file.
    """
    path = Path(path)
    try:
        info = path.lstat()
    except OSError as exc:
        raise PackError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not stat.S_ISREG(info.st_mode):
        raise PackError(f"{path}: the logo must be a file in the pack, not a link or a folder")
    if info.st_size > _limits.MAX_LOGO_BYTES:
        limit = _limits.MAX_LOGO_BYTES // MiB
        raise PackError(f"{path}: the logo is larger than {limit} MiB; save a smaller PNG")
    with path.open("rb") as handle:
        data = handle.read(_limits.MAX_LOGO_BYTES + 1)
    if not data.startswith(PNG_SIGNATURE) or len(data) > _limits.MAX_LOGO_BYTES:
        raise PackError(f"{path}: the logo is not a PNG image; save it as PNG (logo.png)")
    return data

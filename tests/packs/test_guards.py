"""The template guard: a template is read once, measured, and refused with the reason.

Hostile and damaged packages are built here by hand (sizes and CRCs that lie, names outside
the package, missing parts, another kind of document) and by Hypothesis (any damage to
any part): each ends in a :class:`PackError` naming the file, quickly, never in another
exception.
"""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyplan_docs import PackError, _limits
from familyplan_docs.packs.guards import check_template_file, load_template
from familyplan_docs.packs.pack import CATALOG
from tests.helpers import (
    RawEntry,
    deflated,
    entries_of,
    examples,
    make_docx,
    make_pack,
    write_zip,
    zeros_bomb,
    zip_data,
)

MiB = 1024 * 1024


@pytest.fixture(scope="module")
def flyer_entries(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    path = make_docx(tmp_path_factory.mktemp("flyer") / "flyer.docx", "Hello {{ family.name }}")
    return entries_of(path)


def _write(folder: Path, entries: list[RawEntry]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return write_zip(folder / "flyer.docx", entries)


def _honest(entries: list[tuple[str, bytes]]) -> list[RawEntry]:
    return [deflated(name, data) for name, data in entries]


def _refusal(path: Path) -> str:
    with pytest.raises(PackError) as caught:
        load_template(path)
    message = str(caught.value)
    assert message.startswith(str(path))
    return message


def test_a_good_template_is_read_whole(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    path = _write(tmp_path, _honest(flyer_entries))
    template = load_template(path)
    assert {p.name for p in template.parts} == {name for name, _ in flyer_entries}
    with zipfile.ZipFile(template.honest()) as copy:
        assert sorted(copy.namelist()) == sorted(name for name, _ in flyer_entries)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("../../escaped.txt", "points outside its folder"),
        ("word/../../escaped.txt", "points outside its folder"),
        ("/etc/cron.d/x", "is an absolute name"),
        ("C:/x", "is an absolute name"),
        ("word\\..\\x", "backslash"),
        ("word//x.xml", "points outside its folder"),
    ],
)
def test_a_part_named_outside_the_package_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]], name: str, reason: str
) -> None:
    path = _write(tmp_path, [*_honest(flyer_entries), deflated(name, b"escaped")])
    assert reason in _refusal(path)


def test_a_part_that_is_there_twice_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    path = _write(tmp_path, [*_honest(flyer_entries), deflated("word/document.xml", b"<x/>")])
    assert "is in the package twice" in _refusal(path)


def test_a_part_that_understates_its_size_is_refused_without_unpacking_it(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    bomb = zeros_bomb("word/media/image9.png", 512 * MiB, declared=4096)
    path = _write(tmp_path, [*_honest(flyer_entries), bomb])
    assert path.stat().st_size < 2 * MiB
    assert "unpacks to more than its header declares (4,096 bytes)" in _refusal(path)


def test_a_part_that_overstates_its_size_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    data = b"\x89PNG" + b"\0" * 1000
    short = RawEntry("word/media/image9.png", deflated("x", data).raw, zlib.crc32(data), 5000)
    path = _write(tmp_path, [*_honest(flyer_entries), short])
    assert "unpacks to less than its header declares" in _refusal(path)


def test_a_part_with_a_wrong_crc_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    entries = _honest(flyer_entries)
    entries = [
        RawEntry(e.name, e.raw, e.crc ^ 1, e.size) if e.name == "word/document.xml" else e
        for e in entries
    ]
    assert "bad CRC" in _refusal(_write(tmp_path, entries))


def test_a_part_over_its_limit_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    limit = max(len(data) for _, data in flyer_entries)
    monkeypatch.setattr(_limits, "MAX_TEMPLATE_PART_BYTES", limit)
    image = deflated("word/media/image9.png", b"\0" * (limit + 1))
    path = _write(tmp_path, [*_honest(flyer_entries), image])
    assert f"word/media/image9.png is larger than {limit:,} bytes" in _refusal(path)


def test_a_missing_part_is_named(tmp_path: Path, flyer_entries: list[tuple[str, bytes]]) -> None:
    entries = [e for e in _honest(flyer_entries) if e.name != "word/styles.xml"]
    message = _refusal(_write(tmp_path, entries))
    assert "names the part word/styles.xml, which is not in the package" in message


def test_a_workbook_renamed_docx_is_not_a_word_document(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    path = tmp_path / "flyer.docx"
    workbook.save(path)
    assert "not a Word document (.docx): it is an Excel workbook" in _refusal(path)


def test_a_main_part_of_another_type_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    main = b"wordprocessingml.document.main+xml"
    entries = [
        deflated(name, data.replace(main, b"wordprocessingml.comments+xml"))
        if name == "[Content_Types].xml"
        else deflated(name, data)
        for name, data in flyer_entries
    ]
    assert "not a Word document (.docx): its main part is of the type" in _refusal(
        _write(tmp_path, entries)
    )


def test_a_linked_template_is_refused_by_the_cached_check(tmp_path: Path) -> None:
    other = make_docx(tmp_path / "elsewhere.docx", "another family")
    folder = make_pack(tmp_path / "org", "org")
    (folder / "flyer.docx").symlink_to(other)
    with pytest.raises(PackError, match="symbolic link"):
        check_template_file(folder / "flyer.docx")


# -- any damage at all -------------------------------------------------------------------------


@st.composite
def damaged(draw: st.DrawFn, entries: list[tuple[str, bytes]]) -> bytes:
    """The flyer's package with one kind of damage anywhere: bytes, sizes, CRCs, names."""
    raws = _honest(entries)
    how = draw(st.sampled_from(["bytes", "size", "crc", "name", "drop", "truncate"]))
    if how in ("size", "crc", "name", "drop"):
        index = draw(st.integers(0, len(raws) - 1))
        entry = raws[index]
        if how == "size":
            raws[index] = RawEntry(
                entry.name, entry.raw, entry.crc, draw(st.integers(0, 2**32 - 1))
            )
        elif how == "crc":
            raws[index] = RawEntry(
                entry.name, entry.raw, draw(st.integers(0, 2**32 - 1)), entry.size
            )
        elif how == "name":
            name = draw(st.sampled_from(["../x", "/x", "a//b", "", "word/../../x", "x\\y"]))
            raws[index] = RawEntry(name, entry.raw, entry.crc, entry.size)
        else:
            del raws[index]
    data = zip_data(raws)
    if how == "bytes":
        mutable = bytearray(data)
        for _ in range(draw(st.integers(1, 8))):
            at = draw(st.integers(0, len(mutable) - 1))
            mutable[at] = draw(st.integers(0, 255))
        data = bytes(mutable)
    elif how == "truncate":
        data = data[: draw(st.integers(0, len(data) - 1))]
    return data


@given(data=st.data())
@examples(60)
def test_any_damage_is_a_pack_error_or_a_good_template(
    data: st.DataObject,
    flyer_entries: list[tuple[str, bytes]],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    folder = tmp_path_factory.mktemp("damaged")
    path = folder / "flyer.docx"
    path.write_bytes(data.draw(damaged(flyer_entries)))
    try:
        template = load_template(path)
    except PackError as exc:
        assert str(exc).startswith(str(path))
        return
    names = {part.name for part in template.parts}
    assert "word/document.xml" in names and CATALOG not in names


def test_an_svg_image_declaring_entities_is_refused(
    tmp_path: Path, flyer_entries: list[tuple[str, bytes]]
) -> None:
    """LibreOffice parses the SVG images of a document: none may declare a document type."""
    svg = b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY e SYSTEM "file:///etc/passwd">]><svg/>'
    path = _write(tmp_path, [*_honest(flyer_entries), deflated("word/media/image1.svg", svg)])
    assert "word/media/image1.svg declares a document type" in _refusal(path)

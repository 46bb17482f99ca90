"""A pack's manifest and catalog are checked before use: each problem is a PackError naming it."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyplan_docs import PackError, _cache, _limits, load_pack
from familyplan_docs._text import illegal_character
from familyplan_docs.packs.pack import PACK_NAME, read_catalog, read_manifest
from tests.helpers import examples, make_pack

GOOD = 'name = "org"\nlocale = "da_DK"\n'


def _manifest(tmp_path: Path, text: str | bytes) -> Path:
    data = text.encode("utf-8") if isinstance(text, str) else text
    (tmp_path / "pack.toml").write_bytes(data)
    return tmp_path


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('name = "org"\nlocale = "da_DK"\ntitle = "\xe6"\n'.encode("latin-1"), "not UTF-8"),
        (GOOD + "settings = 5\n", "settings must be a table"),
        (GOOD + "[legal]\nbasis = 5\n", r"\[legal\] must hold text"),
        (GOOD + "title = ['a']\n", "title must be text"),
        (GOOD + "version = true\n", "version must be text"),
        ('name = "../../elsewhere"\nlocale = "da_DK"\n', "is not a pack name"),
        (GOOD + 'extends = "../../elsewhere/evil"\n', "is not a pack name"),
        (GOOD + 'extends = "/etc"\n', "is not a pack name"),
        (GOOD + "extends = 5\n", "extends must be the name of a pack"),
        (GOOD + 'title = "a\\u0001b"\n', r"title holds the control character U\+0001"),
        (GOOD + '[legal]\nbasis = "x\\u0000"\n', r"legal\.basis holds the control character"),
        ('name = "org"\n', r"missing text value\(s\): locale"),
        ("name = ", "not valid TOML"),
        ("a = " + "[" * 100_000 + "]" * 100_000 + "\n" + GOOD, "not valid TOML"),
    ],
    ids=[
        "latin-1", "settings-5", "legal-number", "title-list", "version-bool", "name-path",
        "extends-path", "extends-absolute", "extends-number", "title-control", "legal-nul",
        "no-locale", "broken", "nested-deep",
    ],
)  # fmt: skip
def test_a_bad_manifest_is_a_pack_error_naming_file_and_reason(
    tmp_path: Path, text: str | bytes, reason: str
) -> None:
    folder = _manifest(tmp_path, text)
    with pytest.raises(PackError, match=reason) as caught:
        read_manifest(folder)
    assert str(folder / "pack.toml") in str(caught.value)


def test_a_manifest_over_its_size_limit_is_refused(tmp_path: Path) -> None:
    folder = _manifest(tmp_path, GOOD + "# " + "x" * _limits.MAX_MANIFEST_BYTES + "\n")
    with pytest.raises(PackError, match="larger than 256 KiB"):
        read_manifest(folder)


def test_a_manifest_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    folder = _manifest(tmp_path, ("\ufeff" + GOOD).encode("utf-8"))
    assert read_manifest(folder).name == "org"


def test_tables_this_module_does_not_know_are_left_to_their_readers(tmp_path: Path) -> None:
    folder = _manifest(tmp_path, GOOD + "[consent]\nyoung_people_sign_from = 15\n")
    assert read_manifest(folder).name == "org"


def _catalog(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "messages.po"
    path.write_text(body, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ('msgid "status"\nmsgstr "F\x01rdig"\n', r"holds the control character U\+0001"),
        ('msgid "a"\nmsgstr "' + "x" * (_limits.MAX_TEXT + 1) + '"\n', "longer than 20,000"),
        ("garbage here\n", "not a valid gettext catalog"),
    ],
    ids=["control-character", "label-too-long", "broken"],
)  # fmt: skip
def test_a_bad_catalog_is_a_pack_error_naming_file_and_entry(
    tmp_path: Path, body: str, reason: str
) -> None:
    path = _catalog(tmp_path, body)
    with pytest.raises(PackError, match=reason) as caught:
        read_catalog(path)
    assert str(path) in str(caught.value)


def test_a_catalog_over_its_size_limit_is_refused_unread(tmp_path: Path) -> None:
    path = _catalog(tmp_path, 'msgid "a"\nmsgstr "' + "x" * _limits.MAX_CATALOG_BYTES + '"\n')
    with pytest.raises(PackError, match="larger than 1 MiB"):
        read_catalog(path)


def test_legal_and_settings_merge_down_a_long_chain_without_recursion(tmp_path: Path) -> None:
    depth = _limits.MAX_EXTENDS_DEPTH
    for n in range(depth):
        folder = tmp_path / f"p{n}"
        folder.mkdir()
        parent = f'extends = "p{n + 1}"\n' if n < depth - 1 else ""
        (folder / "pack.toml").write_text(
            f'name = "p{n}"\nlocale = "da_DK"\n{parent}[legal]\nlevel{n} = "{n}"\n'
            f"[settings]\nlevel = {n}\n",
            encoding="utf-8",
        )
    pack = load_pack(tmp_path / "p0", [tmp_path])
    assert len(pack.chain()) == depth
    assert pack.legal[f"level{depth - 1}"] == str(depth - 1)
    assert pack.settings["level"] == 0


# -- any pack file at all ----------------------------------------------------------------------

_TOML_VALUES = st.one_of(
    st.integers(), st.booleans(), st.floats(allow_nan=False), st.text(max_size=40),
    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.text(max_size=5)),
)  # fmt: skip


def _toml_value(value: object) -> str:
    if isinstance(value, dict):
        inner = ", ".join(f"{json.dumps(k)} = {json.dumps(v)}" for k, v in value.items())
        return "{" + inner + "}"
    return json.dumps(value)


@st.composite
def manifests(draw: st.DrawFn) -> bytes:
    """A ``pack.toml`` an attacker might write: any keys, any value types, any bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=300))
    keys = ["name", "locale", "title", "version", "extends", "legal", "settings", "consent"]
    lines = [
        f"{key} = {_toml_value(draw(_TOML_VALUES))}"
        for key in draw(st.lists(st.sampled_from(keys), max_size=8, unique=True))
    ]
    return "\n".join(lines).encode("utf-8", "surrogatepass")


@given(data=manifests())
@examples(150)
def test_any_manifest_reads_or_is_a_pack_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        (folder / "pack.toml").write_bytes(data)
        try:
            manifest = read_manifest(folder)
        except PackError as exc:
            assert str(exc).startswith(str(folder))
            return
    assert PACK_NAME.match(manifest.name)
    assert isinstance(manifest.settings, dict) and isinstance(manifest.legal, dict)


@given(
    entries=st.lists(
        st.tuples(st.text(max_size=20), st.text(max_size=60), st.booleans()), max_size=6
    ),
    junk=st.binary(max_size=40),
)
@examples(100)
def test_any_catalog_reads_or_is_a_pack_error(
    entries: list[tuple[str, str, bool]], junk: bytes
) -> None:
    body = (
        "".join(
            ("#, fuzzy\n" if fuzzy else "")
            + f"msgid {json.dumps(msgid)}\nmsgstr {json.dumps(text)}\n\n"
            for msgid, text, fuzzy in entries
        ).encode("utf-8", "surrogatepass")
        + junk
    )
    with tempfile.TemporaryDirectory() as name:
        path = Path(name) / "messages.po"
        path.write_bytes(body)
        try:
            labels = read_catalog(path)
        except PackError as exc:
            assert str(exc).startswith(str(path))
            return
    assert all(illegal_character(text) is None for text in labels.values())


@pytest.mark.parametrize(
    ("extra", "kept"),
    [
        (
            '[settings]\nprogramme = "Familiens Vej"\nrounds = 3\nweight = 1.5\nlist = [1, "to"]\n',
            True,
        ),
        ("[settings]\nstarted = 2026-01-05\n", False),  # a TOML date has no JSON form
        ('[settings]\nsize = inf\n[legal]\ncontroller = "Egesø Kommune"\n', True),
    ],
    ids=["plain", "date", "float"],
)
def test_a_manifest_read_from_the_cache_is_the_manifest_read_from_its_file(
    cache_folder: Path, tmp_path: Path, extra: str, kept: bool
) -> None:
    folder = make_pack(tmp_path / "p", "p", extra=extra)
    first = read_manifest(folder)
    entries = [p for p in (cache_folder / _cache.FORMAT / "manifests").rglob("*") if p.is_file()]
    assert bool(entries) == kept
    assert read_manifest(folder) == first


@pytest.mark.parametrize(
    ("extra", "name"),
    [("style = 5\n", "style"), ('consent = "x"\n', "consent"), ("glossary = [1]\n", "glossary")],
)
def test_a_rules_or_style_table_that_is_no_table_is_a_pack_error(
    tmp_path: Path, extra: str, name: str
) -> None:
    folder = make_pack(tmp_path / "p", "p", extra=extra)
    with pytest.raises(PackError, match=rf"pack\.toml: {name} must be a table"):
        loaded = load_pack(str(folder))
        _ = loaded.rules, loaded.style

"""new-pack and the route of docs/authoring.md: copy or extend, edit in Word, check, ship."""

from __future__ import annotations

import shutil
import sys
import tomllib
import zipfile
from importlib.metadata import EntryPoint
from pathlib import Path

import pytest
from docx import Document

from familyplan_docs import KINDS, check_templates, list_packs, load_pack
from familyplan_docs._cli import main
from familyplan_docs._errors import PackError, UnknownChoiceError
from familyplan_docs.authoring.newpack import new_pack
from familyplan_docs.packs import discovery as _packs
from familyplan_docs.packs.builtin import samples_root, templates_root
from familyplan_docs.packs.discovery import ENV_VAR
from familyplan_docs.packs.pack import read_catalog, read_manifest
from tests.helpers import ROOT, docx_text

EXAMPLE = ROOT / "examples" / "familyplan-pack-acme"
EXAMPLE_PACK = EXAMPLE / "src" / "familyplan_pack_acme" / "nl-acme"
NL_SAMPLE = samples_root() / "nl" / "gezin-jansen.json"


def edit_header(docx: Path, letterhead: str) -> None:
    """What an author does in Word: put the organization's letterhead in the header."""
    doc = Document(str(docx))
    header = doc.sections[0].header.paragraphs[0]
    header.insert_paragraph_before(letterhead)
    doc.save(str(docx))


def render_all(locale: str, out: Path, *templates: Path) -> None:
    extra = [arg for folder in templates for arg in ("--templates", str(folder))]
    code = main(["render", str(NL_SAMPLE), "--locale", locale, "--out", str(out), *extra])
    assert code == 0


# --- the guide's route, step by step ---------------------------------------------------


def test_following_the_guide_a_pack_extending_nl_replaces_only_the_flyer(tmp_path: Path) -> None:
    packs = tmp_path / "packs"
    # 1. start the pack (docs/authoring.md, "Start a pack")
    folder = new_pack("nl", "nl-acme", packs / "nl-acme", extends=True, documents=["flyer"])
    assert sorted(p.name for p in folder.iterdir()) == ["flyer.docx", "messages.po", "pack.toml"]
    manifest = read_manifest(folder)
    assert (manifest.name, manifest.extends, manifest.locale) == ("nl-acme", "nl", "nl_NL")
    # 2. edit the flyer in Word
    edit_header(folder / "flyer.docx", "ACME Jeugdzorg")
    # 3. check it
    report = check_templates(folder)
    assert report.ok, "\n".join(report.problems)
    assert main(["check-templates", str(folder)]) == 0
    # 4. use it with --templates: the whole toolbox, the flyer from nl-acme, the rest from nl
    render_all("nl-acme", tmp_path / "acme", packs)
    render_all("nl", tmp_path / "nl")
    written = sorted(p.stem for p in (tmp_path / "acme").glob("*.docx"))
    assert written == sorted(KINDS)
    assert "ACME Jeugdzorg" in docx_text(tmp_path / "acme" / "flyer.docx")
    for kind in KINDS:
        acme, nl = (docx_text(tmp_path / d / f"{kind}.docx") for d in ("acme", "nl"))
        if kind == "flyer":
            assert acme.replace("ACME Jeugdzorg\n", "") == nl
        else:
            assert acme == nl, kind


def test_the_example_package_pack_extends_nl_with_its_own_flyer(tmp_path: Path) -> None:
    report = check_templates(EXAMPLE_PACK)
    assert report.ok, "\n".join(report.problems)
    pack = load_pack(EXAMPLE_PACK)
    assert pack.name == "nl-acme"
    assert pack.parent is not None and pack.parent.name == "nl"
    assert pack.document("flyer").parent == EXAMPLE_PACK.resolve()
    assert pack.document("agenda") == templates_root().resolve() / "nl" / "agenda.docx"
    render_all("nl-acme", tmp_path / "out", EXAMPLE_PACK)
    assert "ACME Jeugdzorg" in docx_text(tmp_path / "out" / "flyer.docx")
    assert "ACME" not in docx_text(tmp_path / "out" / "agenda.docx")


def test_the_example_package_is_found_through_its_entry_point(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """What `pip install examples/familyplan-pack-acme` registers, without installing it."""
    project = tomllib.loads((EXAMPLE / "pyproject.toml").read_text(encoding="utf-8"))
    target = project["project"]["entry-points"]["familyplan_docs.packs"]["nl-acme"]
    monkeypatch.syspath_prepend(str(EXAMPLE / "src"))
    real = _packs.entry_points

    def entry_points(group: str) -> list[EntryPoint]:
        found = list(real(group=group))
        return [*found, EntryPoint("nl-acme", target, group)]

    monkeypatch.setattr(_packs, "entry_points", entry_points)
    assert "nl-acme" in {info.name for info in list_packs()}
    assert load_pack("nl-acme").path == EXAMPLE_PACK.resolve()
    sys.modules.pop("familyplan_pack_acme", None)


def test_a_pack_is_found_through_the_environment_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(EXAMPLE_PACK, tmp_path / "packs" / "nl-acme")
    monkeypatch.setenv(ENV_VAR, str(tmp_path / "packs"))
    render_all("nl-acme", tmp_path / "out")
    assert "ACME Jeugdzorg" in docx_text(tmp_path / "out" / "flyer.docx")


# --- new_pack itself -----------------------------------------------------------------


def test_a_full_copy_stands_on_its_own_and_passes_the_check(tmp_path: Path) -> None:
    folder = new_pack("nl", "nl-copy", tmp_path / "nl-copy")
    manifest = read_manifest(folder)
    assert manifest.extends is None
    assert manifest.legal == load_pack("nl").legal
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(KINDS)
    assert read_catalog(folder / "messages.po") == load_pack("nl").catalog
    report = check_templates(folder, samples=[])
    assert report.ok, "\n".join(report.problems)


def test_a_full_copy_of_an_extension_follows_its_chain(tmp_path: Path) -> None:
    folder = new_pack("nl-acme", "acme-2", tmp_path / "acme-2", templates=[EXAMPLE_PACK])
    assert sorted(p.stem for p in folder.glob("*.docx")) == sorted(KINDS)
    assert "ACME Jeugdzorg" in docx_text(folder / "flyer.docx")
    assert read_manifest(folder).extends is None


def test_a_copy_into_another_language_is_untranslated_until_translated(tmp_path: Path) -> None:
    folder = new_pack("da", "de", tmp_path / "de", locale="de_DE")
    assert read_catalog(folder / "messages.po") == {}  # every copied label is marked fuzzy
    assert 'w:val="de-DE"' in _styles(folder / "flyer.docx")
    problems = check_templates(folder, samples=[]).problems
    assert any("labels are not translated" in p for p in problems), problems


def _styles(docx: Path) -> str:
    with zipfile.ZipFile(docx) as archive:
        return archive.read("word/styles.xml").decode("utf-8")


def test_new_pack_refuses_what_would_go_wrong(tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(PackError, match="not empty"):
        new_pack("da", "x", occupied)
    assert (occupied / "notes.txt").read_text(encoding="utf-8") == "mine"
    with pytest.raises(PackError, match="pack name"):
        new_pack("da", "my pack", tmp_path / "a")
    with pytest.raises(PackError, match="cannot extend itself"):
        new_pack("da", "da", tmp_path / "b", extends=True)
    with pytest.raises(PackError, match="unknown locale"):
        new_pack("da", "x", tmp_path / "c", locale="english")
    with pytest.raises(UnknownChoiceError, match="document kind"):
        new_pack("da", "x", tmp_path / "d", extends=True, documents=["leaflet"])
    with pytest.raises(UnknownChoiceError, match="available"):
        new_pack("no-such-pack", "x", tmp_path / "e")
    assert not [p for p in tmp_path.iterdir() if p.name not in {"occupied"}]


def test_the_built_in_english_pack_was_made_with_new_pack_from_da() -> None:
    en = load_pack("en")
    assert en.manifest.locale == "en_GB" and en.parent is None
    assert "new-pack --from da --name en" in (en.path / "pack.toml").read_text(encoding="utf-8")
    assert en.kinds() == list(KINDS)
    assert en.gettext("member_role.parent") == "Parent"

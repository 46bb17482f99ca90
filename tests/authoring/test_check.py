"""check-templates: every problem of a pack in one run, each with its document and place."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from docx import Document

from familyplan_docs import KINDS, check_templates, load_pack, plan_from_json
from familyplan_docs._cli import main
from familyplan_docs.authoring.docx_scan import DocumentScanner
from familyplan_docs.authoring.shapes import pack_context_shape, probe_plan
from familyplan_docs.authoring.tree import TreeChecker
from familyplan_docs.packs.builtin import templates_root
from familyplan_docs.render.documents import LOGO_IMAGE, MAP_IMAGE, render_to
from familyplan_docs.render.environment import make_environment
from tests.helpers import TINY, docx_text, make_docx, make_pack

DA = templates_root() / "da"


def copy_of_da(folder: Path, name: str, *, without: tuple[str, ...] = (), **manifest: str) -> Path:
    """A stand-alone pack holding da's documents and catalog (minus *without*)."""
    make_pack(folder, name, extends=manifest.get("extends"), locale=manifest.get("locale", "da_DK"))
    for kind in KINDS:
        if kind not in without:
            shutil.copyfile(DA / f"{kind}.docx", folder / f"{kind}.docx")
    shutil.copyfile(DA / "messages.po", folder / "messages.po")
    with (folder / "pack.toml").open("a", encoding="utf-8") as handle:
        handle.write("[legal]\n")
        handle.writelines(f'{key} = "{key} law"\n' for key in LEGAL_KEYS)
    return folder


LEGAL_KEYS = tuple(load_pack("da").legal)
"""Every legal reference the built-in templates quote."""


def problems_of(pack: Path | str, **kwargs: object) -> list[str]:
    report = check_templates(pack, samples=[], **kwargs)  # type: ignore[arg-type]
    return report.problems


def only(problems: list[str], *needles: str) -> str:
    """The one problem that contains every needle (fails listing all problems otherwise)."""
    found = [p for p in problems if all(n in p for n in needles)]
    assert len(found) == 1, f"{needles} in:\n" + "\n".join(problems)
    return found[0]


# --- the pack route as a whole -------------------------------------------------------


def test_every_discovered_pack_passes_and_renders_every_sample(pack_name: str) -> None:
    report = check_templates(pack_name)
    assert report.ok, f"pack {pack_name}:\n" + "\n".join(report.problems)


def test_a_broken_pack_gets_all_its_problems_named_with_their_places_in_one_run(
    tmp_path: Path,
) -> None:
    packs = tmp_path / "packs"
    pack = copy_of_da(packs / "broken", "broken", without=("preparation_guide",), extends="loop")
    make_pack(packs / "loop", "loop", extends="broken")  # broken → loop → broken
    make_docx(pack / "flyer.docx", "Welcome", "Dear {{ family.name + }}")
    doc = Document()
    doc.add_paragraph("Goals")
    table = doc.add_table(rows=4, cols=2)
    table.cell(0, 0).text = "Goal"
    table.cell(1, 0).text = "{%tr for g in goals %}"
    table.cell(2, 0).text = "{{ g.goal }}"
    table.cell(2, 1).text = "{{ g.goall }}"
    table.cell(3, 0).text = "{%tr endfor %}"
    doc.save(str(pack / "family_plan.docx"))
    doc = Document()
    doc.add_paragraph("Agenda")
    doc.sections[0].header.paragraphs[0].text = "{{ organization.__class__.__mro__ }}"
    doc.save(str(pack / "agenda.docx"))

    report = check_templates(pack)

    assert not report.ok
    problems = report.problems
    only(problems, "broken", "circular extends: broken → loop → broken")
    only(problems, "preparation_guide.docx: missing")
    only(problems, 'flyer.docx [body] paragraph 2 ("Dear {{ family.name + }}")', "unexpected")
    only(
        problems,
        "family_plan.docx [body] table 1, row 3, cell 2",
        "unknown variable 'g.goall'",
        "did you mean 'goal'?",
    )
    only(problems, "agenda.docx [header] paragraph 1", "sandbox forbids")
    # nothing else is wrong with the copied documents
    assert len(problems) == 5, "\n".join(problems)
    assert main(["check-templates", str(pack)]) == 1


def test_the_cli_exits_0_for_a_good_pack(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-templates", "da"]) == 0
    assert "no problems" in capsys.readouterr().out


# --- the pack itself ------------------------------------------------------------------


def test_a_missing_extends_target_is_reported_and_the_pack_still_checked(tmp_path: Path) -> None:
    pack = copy_of_da(tmp_path / "orphan", "orphan", extends="no-such-pack")
    make_docx(pack / "flyer.docx", "{{ famly.name }}")
    problems = problems_of(pack)
    only(problems, "extends 'no-such-pack', but there is no such pack")
    only(problems, "flyer.docx [body] paragraph 1", "unknown variable 'famly'", "'family'")


@pytest.mark.parametrize("locale", ["english", "da-DK", "xx_YY"])
def test_an_invalid_or_unknown_locale_is_reported_and_documents_still_checked(
    tmp_path: Path, locale: str
) -> None:
    pack = make_pack(tmp_path / "p", "p", extends="da", locale=locale)
    make_docx(pack / "flyer.docx", "{{ family.name|dato }}")
    problems = problems_of(pack)
    only(problems, f"unknown locale {locale!r}", "da_DK")
    only(problems, "flyer.docx [body] paragraph 1", "unknown filter '|dato'", "'date'")


def test_a_misnamed_document_is_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    shutil.copyfile(DA / "flyer.docx", pack / "Flyer (copy).docx")
    shutil.copyfile(DA / "flyer.docx", pack / "~$flyer.docx")  # Word's lock file: ignored
    only(problems_of(pack), "Flyer (copy).docx: not a document kind", "flyer.docx?")


def test_an_inherited_document_says_where_it_comes_from(tmp_path: Path) -> None:
    base = make_pack(tmp_path / "packs" / "base", "base")
    make_docx(base / "flyer.docx", "{{ oops.name }}")
    child = make_pack(tmp_path / "packs" / "child", "child", extends="base")
    only(problems_of(child), "flyer.docx (from pack 'base') [body] paragraph 1", "'oops'")


# --- catalog ------------------------------------------------------------------------


def test_untranslated_obsolete_and_unknown_catalog_entries_are_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p", extends=None)
    source = (DA / "messages.po").read_text(encoding="utf-8")
    source = source.replace('msgstr "Forælder"', 'msgstr ""')
    source += '\nmsgid "old.label"\nmsgstr "Gammel"\n\nmsgid "bool.true"\nmsgstr "Ja!"\n'
    (pack / "messages.po").write_text(source, encoding="utf-8")
    make_docx(pack / "flyer.docx", "{{ labels.sector.family }} {{ labels.sector.nope }}")
    problems = problems_of(pack)
    only(problems, "messages.po: 'member_role.parent' is not translated")
    only(problems, "'old.label' is obsolete")
    only(problems, "'sector.nope' has no entry", "flyer.docx [body] paragraph 1")
    only(problems, "'bool.true' is there twice")


def test_an_extension_in_another_language_must_translate_every_label(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p", extends="da", locale="de_DE")
    problems = problems_of(pack)
    only(problems, "labels are not translated", "member_role.parent")


def test_an_organization_may_add_its_own_labels(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    (pack / "messages.po").write_text('msgid "acme.slogan"\nmsgstr "Altid klar"\n', "utf-8")
    make_docx(pack / "flyer.docx", "{{ labels.acme.slogan }}")
    assert problems_of(pack) == []


def test_a_broken_catalog_is_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    (pack / "messages.po").write_text('msgid "a"\nmsgstr "b"\ngarbage\n', encoding="utf-8")
    only(problems_of(pack), "messages.po: not a valid gettext catalog")


# --- tags split across runs and paragraphs ---------------------------------------------


def test_a_tag_split_over_runs_is_joined_by_docxtpl_so_it_is_no_problem(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    doc = Document()
    paragraph = doc.add_paragraph("Family: ")
    for piece, bold in (
        ("{", True),
        ("{ fam", False),
        ("ily.na", True),
        ("me }", False),
        ("}", True),
    ):
        paragraph.add_run(piece).bold = bold
    doc.save(str(pack / "flyer.docx"))
    assert problems_of(pack) == []
    out = tmp_path / "flyer.docx"
    render_to(plan_from_json(json.dumps(TINY)), load_pack(pack), "flyer", out)
    assert "Family: Familien Test" in docx_text(out)


def test_a_tag_running_into_the_next_paragraph_is_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(pack / "flyer.docx", "Name: {{ family", ".name }}", "{% if x %}")
    problems = problems_of(pack)
    only(problems, 'paragraph 1 ("Name: {{ family")', 'runs on into paragraph 2 (".name }}")')
    only(problems, "paragraph 3", "{% if x %} is never closed")


def test_autocorrected_characters_inside_a_tag_are_reported_but_not_inside_its_text(
    tmp_path: Path,
) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(
        pack / "flyer.docx",
        "{{ family.name|default(„none“) }}",
        "{{ [family.name, organization.name]|joined(' – ') }}",
        "{{ family.name|default(“none”) }}",  # Word's curly quotes: docxtpl straightens them
    )
    problems = problems_of(pack)
    only(problems, "paragraph 1", "'„'", "AutoCorrect")
    assert len(problems) == 1, problems


def test_a_tag_that_docxtpl_cannot_join_is_reported(tmp_path: Path) -> None:
    """The closing braces in a tracked deletion: patch_xml leaves XML inside the tag."""
    pack = make_pack(tmp_path / "p", "p")
    doc = Document()
    paragraph = doc.add_paragraph("Name: {{ family.name ")
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    deletion = paragraph._p.makeelement(f"{w}del", {f"{w}id": "1", f"{w}author": "A"})
    run = deletion.makeelement(f"{w}r", {})
    text = run.makeelement(f"{w}delText", {})
    text.text = "}}"
    run.append(text)
    deletion.append(run)
    paragraph._p.append(deletion)
    doc.save(str(pack / "flyer.docx"))
    problems = problems_of(pack)
    only(problems, "paragraph 1", "split by Word formatting that docxtpl cannot join")
    only(problems, "paragraph 1", "tracked changes")


def test_tracked_changes_are_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    doc = Document()
    paragraph = doc.add_paragraph("Hi ")
    deletion = paragraph._p.makeelement(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}del", {}
    )
    paragraph._p.append(deletion)
    doc.save(str(pack / "flyer.docx"))
    only(problems_of(pack), "paragraph 1", "tracked changes")


# --- docxtpl's row, cell and paragraph tags ------------------------------------------


def test_row_and_paragraph_tags_in_the_wrong_place_are_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    doc = Document()
    doc.add_paragraph("{%p if family.name %} Dropped text")
    doc.add_paragraph("{%p endif %}")
    doc.add_paragraph("{%tr for g in goals %}")
    doc.add_paragraph("{%tr endfor %}")
    doc.add_paragraph("{% p if family %}")
    doc.add_paragraph("{% endif %}")
    table = doc.add_table(rows=3, cols=2)
    table.cell(0, 0).text = "{%tr for a in agreements %}"
    table.cell(0, 1).text = "also dropped"
    table.cell(1, 0).text = "{{ a.content }}"
    table.cell(2, 0).text = "{%p endfor %}"
    doc.save(str(pack / "agenda.docx"))
    problems = problems_of(pack)
    only(problems, "paragraph 1", "'Dropped text' next to it is lost")
    only(problems, "paragraph 3", "{%tr for g in goals %} is only allowed in a table row")
    only(problems, "paragraph 5", "without a space after {%")
    only(problems, "table 1, row 1, cell 1", "'also dropped' next to it is lost")
    only(problems, "table 1, row 3, cell 1", "{%p endfor %} belongs to {%tr for a in agreements")


# --- variables, filters and the sandbox --------------------------------------------


def test_nested_attributes_are_checked_through_loop_variables(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(
        pack / "family_plan.docx",
        "{%p for ap in action_plans %}",
        "{{ ap.person.full_name }}",
        "{%p for r in ap.items %}",
        "{{ r.purpose }} {{ r.purpse }} {{ r.who_does_what|upper }}",
        "{%p endfor %}",
        "{%p endfor %}",
        "{{ meeting.participants|map(attribute='nme')|joined }}",
        "{{ consent_sharing.giver_person.full_name }} {{ legal.sharing_basis }}",
        "{{ legal.acme_law }} {{ goals.goal }} {{ r.purpose }}",
    )
    problems = problems_of(pack)
    only(problems, "paragraph 4", "'r.purpse'", "did you mean 'purpose'?")
    only(problems, "paragraph 7", "'nme'")
    only(problems, "paragraph 9", "'legal.acme_law'", "[legal] in pack.toml")
    only(problems, "paragraph 9", "'goals' is a list")
    only(problems, "paragraph 9", "unknown variable 'r'", "only exists inside its loop")
    assert len(problems) == 5, "\n".join(problems)


@pytest.mark.parametrize(
    "tag",
    [
        "{{ family.__class__ }}",
        "{{ family['__dict__'] }}",
        "{{ family|attr('__class__') }}",
        "{{ goals.__len__() }}",
        "{{ ''.__class__.mro() }}",
        "{{ '{0.__class__}'.format(family) }}",
    ],
)
def test_constructs_the_sandbox_forbids_are_reported_statically(tmp_path: Path, tag: str) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(pack / "flyer.docx", tag)
    only(problems_of(pack), "flyer.docx [body] paragraph 1", "sandbox forbids")


def test_include_and_escape_switches_are_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(pack / "flyer.docx", '{% include "x.docx" %}', "{{ family.name|safe }}")
    problems = problems_of(pack)
    only(problems, "paragraph 1", "include")
    only(problems, "paragraph 2", "'|safe' switches off escaping")


def test_a_template_that_fails_only_when_rendering_is_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(pack / "flyer.docx", "{{ 1 // (goals|length - goals|length) }}")
    only(check_templates(pack).problems, "flyer.docx rendering blank", "ZeroDivisionError")


def test_the_scanner_lists_what_each_document_uses() -> None:
    pack = load_pack("da")
    env = make_environment(pack)
    shape = pack_context_shape(pack, [], [MAP_IMAGE, LOGO_IMAGE])
    scanner = DocumentScanner(env, lambda: TreeChecker(shape, env.filters, env.tests, []))
    scan = scanner.scan(pack.document("family_plan"))
    assert scan.clean
    assert {"family", "goals", "agreements", "action_plans"} <= set(scan.used)


def test_a_file_that_is_not_a_word_document_is_reported(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    (pack / "flyer.docx").write_text("not a zip", encoding="utf-8")
    only(problems_of(pack), "flyer.docx: not a Word document")


def test_a_manifest_that_is_not_toml_is_reported_and_documents_still_checked(
    tmp_path: Path,
) -> None:
    pack = tmp_path / "p"
    pack.mkdir()
    (pack / "pack.toml").write_text('name = "p"\nlocale = \n', encoding="utf-8")
    make_docx(pack / "flyer.docx", "{{ famly }}")
    problems = problems_of(pack)
    only(problems, "pack.toml: not valid TOML")
    only(problems, "flyer.docx [body] paragraph 1", "unknown variable 'famly'")


def test_the_probe_plan_fills_the_whole_model_and_is_valid() -> None:
    """check-templates learns every field from the probe plan, so it must stay valid."""
    probe = probe_plan()
    assert probe is not None
    assert probe.consents and probe.consents[0].signatures and probe.child_views
    assert any(m.custody_of for m in probe.family.members)

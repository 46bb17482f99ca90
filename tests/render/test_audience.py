"""Who reads what: ID numbers only where the readers need them, no family contact details in a
letter to a professional, and every consent form complete, with every option ticked or not."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path

import pytest
from babel.dates import format_date

from familyplan_docs import KINDS, FamilyPlan, load_pack, load_plan, plan_from_json
from familyplan_docs._kinds import AUDIENCE, ID_NUMBER_KINDS, READERS
from familyplan_docs.render.documents import render_to
from tests.helpers import BUILTIN_PACKS, SAMPLES, TINY, docx_text, make_docx, make_pack

NO_ID_NUMBERS = ("family_plan", "agenda", "minutes", "invitation", "network_map", "follow_up")
CONSENTS = ("consent_data", "consent_sharing")


@cache
def text(sample: Path, pack: str, kind: str, folder: Path) -> str:
    plan = load_plan(sample)
    path = folder / f"{sample.stem}-{pack}-{kind}.docx"
    render_to(plan, load_pack(pack), kind, path)
    return docx_text(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("audience")


def id_forms(plan: FamilyPlan) -> list[str]:
    found = []
    for member in plan.family.members:
        if member.national_id is not None:
            found += [member.national_id.reveal(), member.national_id.formatted(plan.country)]
    return found


def test_every_kind_declares_its_readers() -> None:
    assert set(AUDIENCE) == set(KINDS)
    assert all(readers and readers <= set(READERS) for readers in AUDIENCE.values())
    assert ID_NUMBER_KINDS.isdisjoint(NO_ID_NUMBERS)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
@pytest.mark.parametrize("kind", NO_ID_NUMBERS)
def test_no_id_number_where_the_network_or_a_professional_reads(
    sample: Path, kind: str, folder: Path
) -> None:
    plan = load_plan(sample)
    pack = sample.parent.name
    assert id_forms(plan), "the sample carries ID numbers to look for"
    found = [f for f in id_forms(plan) if f in text(sample, pack, kind, folder)]
    assert not found, f"ID number in {kind}"


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_consents_identify_people_as_the_country_does(sample: Path, folder: Path) -> None:
    plan = load_plan(sample)
    pack = load_pack(sample.parent.name)
    shown = any(f in text(sample, pack.name, "consent_sharing", folder) for f in id_forms(plan))
    assert shown is pack.rules.consent.national_id_on_consents  # no BSN on a Dutch consent


def test_a_pack_template_cannot_print_an_id_number_into_the_plan(tmp_path: Path) -> None:
    pack = make_pack(tmp_path / "p", "p")
    make_docx(
        pack / "family_plan.docx", "ID: {% for m in members %}[{{ m.national_id }}]{% endfor %}"
    )
    make_docx(pack / "consent_sharing.docx", "ID: {{ members[0].national_id }}")
    plan = load_plan(SAMPLES[0])
    render_to(plan, load_pack(pack), "family_plan", tmp_path / "plan.docx")
    render_to(plan, load_pack(pack), "consent_sharing", tmp_path / "consent.docx")
    assert "[]" in docx_text(tmp_path / "plan.docx")
    assert not any(f in docx_text(tmp_path / "plan.docx") for f in id_forms(plan))
    assert id_forms(plan)[1] in docx_text(tmp_path / "consent.docx")


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_an_invitation_holds_no_family_phone_or_email(sample: Path, folder: Path) -> None:
    plan = load_plan(sample)
    invitation = text(sample, sample.parent.name, "invitation", folder)
    private = [n for n in plan.network if n.group.value == "personal"]
    contacts = [
        value
        for person in [*plan.family.members, *private]
        for value in (person.phone, person.email)
        if value
    ]
    assert contacts
    assert [c for c in contacts if c in invitation] == []
    assert [c for c in contacts if c in text(sample, sample.parent.name, "agenda", folder)] == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_only_professionals_the_consent_covers_get_a_letter(sample: Path, folder: Path) -> None:
    invitation = text(sample, sample.parent.name, "invitation", folder)
    texts = Path(__file__).parents[2] / "tools" / "templates" / "text" / sample.parent.name
    greeting = re.search(
        r'^greeting = "(.*?)"$', (texts / "invitation.toml").read_text(encoding="utf-8"), re.M
    )
    assert greeting is not None
    written = greeting.group(1) if "{name}" in greeting.group(1) else greeting.group(1) + " {name}"
    pattern = re.escape(written).replace(re.escape("{name}"), "(.+?)")
    letters = re.findall(rf"^{pattern},?$", invitation, re.M)
    assert len(letters) >= 2
    uncovered = {"da": "Rikke Damgaard", "nl": "Kees Mulder", "sv": "Jonas Lund"}
    assert uncovered[sample.parent.name] not in letters


def test_no_letter_when_the_consent_covers_nobody(tmp_path: Path) -> None:
    data = copy.deepcopy(TINY)
    data["meetings"][0]["participants"].append(
        {"name": "Lis Lærer", "organization": "Testrup Skole", "department": "Skole og SFO"}
    )
    plan = plan_from_json(json.dumps(data))
    render_to(plan, load_pack("da"), "invitation", tmp_path / "i.docx")
    letter = docx_text(tmp_path / "i.docx")
    assert "Lis Lærer" not in letter
    assert "ingen invitationer" in letter


# --- the consent forms --------------------------------------------------------------------


def boxes(text: str) -> int:
    return text.count("☒") + text.count("☐")


@pytest.mark.parametrize("pack_name", BUILTIN_PACKS)
@pytest.mark.parametrize("kind", CONSENTS)
@pytest.mark.parametrize("filled", [True, False], ids=["filled", "blank"])
def test_a_consent_names_controller_dpo_authority_voluntariness_and_withdrawal(
    pack_name: str, kind: str, filled: bool, tmp_path: Path
) -> None:
    pack = load_pack(pack_name)
    sample = next((s for s in SAMPLES if s.parent.name == pack_name), SAMPLES[0])
    plan = load_plan(sample) if filled else None
    path = tmp_path / f"{kind}.docx"
    render_to(plan, pack, kind, path)
    content = docx_text(path)
    legal = pack.legal if plan is None else load_pack(sample.parent.name).legal
    assert legal["supervisory_authority_url"] in content
    assert pack.legal["complaint"] in content
    if plan is not None:
        org = plan.organization
        assert (org.controller or org.name) in content
        assert org.dpo_email is not None and org.dpo_email in content
    else:
        assert pack.legal["dpo_fallback"] in content
    templates = Path(__file__).parents[2] / "tools" / "templates" / "text" / pack_name
    shared = (templates / "_privacy.toml").read_text(encoding="utf-8")
    for key in ("voluntary", "withdraw"):
        sentence = re.search(rf'^{key} = "(.*?)"$', shared, re.M)
        assert sentence is not None
        first = sentence.group(1).split(".")[0]
        assert first in content, key


@pytest.mark.parametrize("pack_name", BUILTIN_PACKS)
def test_every_option_of_a_blank_sharing_consent_has_a_box(pack_name: str, tmp_path: Path) -> None:
    pack = load_pack(pack_name)
    render_to(None, pack, "consent_sharing", tmp_path / "c.docx")
    content = docx_text(tmp_path / "c.docx")
    rules = pack.rules
    for option in (*rules.departments, *rules.external, *rules.sharing_information):
        assert option in content
    empty_rows = 2 + rules.external_rows_blank
    listed = len(rules.departments) + len(rules.external) + len(rules.sharing_information)
    assert boxes(content) >= listed + empty_rows
    assert "☒" not in content


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_a_filled_sharing_consent_shows_what_was_not_agreed(sample: Path, folder: Path) -> None:
    plan = load_plan(sample)
    content = text(sample, sample.parent.name, "consent_sharing", folder)
    (consent,) = [c for c in plan.consents if c.kind.value == "information_sharing"]
    assert content.count("☒") >= len(consent.departments) + len(consent.information)
    assert "☐" in content  # departments the family did not tick are printed, unticked


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_each_signer_has_a_line_and_no_date_is_printed_beside_it(
    sample: Path, folder: Path
) -> None:
    plan = load_plan(sample)
    pack = load_pack(sample.parent.name)
    content = text(sample, pack.name, "consent_sharing", folder)
    (consent,) = [c for c in plan.consents if c.kind.value == "information_sharing"]
    lines = content.split(pack.legal["complaint"])[-1]
    for signature in consent.signatures:
        member = plan.member(signature.member)
        assert member.first_name in lines
    dates = {format_date(s.signed_on, f, locale=pack.locale) for s in consent.signatures
             if s.signed_on for f in ("short", "medium", "long")}  # fmt: skip
    signature_block = lines.split(load_pack(pack.name).legal["complaint"])[-1]
    assert not [d for d in dates if d in signature_block.split("\n\n")[0]]

"""Distribution: who may receive the plan under the family's sharing consent, and the manifest."""

from __future__ import annotations

import copy
import json
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from familyplan_docs import (
    FamilyPlanError,
    InputError,
    ToolMissingError,
    load_pack,
    plan_from_json,
)
from familyplan_docs.delivery import distribute as distribute_module
from familyplan_docs.delivery.consent import REASONS, Decision, check_recipients
from familyplan_docs.delivery.distribute import (
    MANIFEST_NAME,
    MSGIDS,
    distribute,
    reason_line,
    slug,
    summary_line,
)
from familyplan_docs.model.plan import FamilyPlan
from familyplan_docs.packs.coverage import consent_state, rules_for
from tests.helpers import BUILTIN_PACKS, SAMPLES, TINY, docx_text, examples

ON = date(2026, 12, 10)

TEACHER: dict[str, Any] = {
    "name": "Lis Lærer",
    "function": "Klasselærer",
    "organization": "Testrup Skole",
    "department": "Skole og SFO",
    "email": "lis@skole.example",
}

SHARING: dict[str, Any] = {
    "kind": "information_sharing",
    "giver": "mor",
    "children": ["son"],
    "departments": ["Skole og SFO", "Familieafdelingen"],
    "external_parties": [{"name": "Børnepsykiatrien Nord"}],
    "signed_on": "2026-11-01",
    "valid_until": "2027-11-01",
    "young_people": [{"member": "son", "signed_on": "2026-11-01"}],
}


def make_plan(
    tiny: dict[str, Any],
    consents: list[dict[str, Any]] | None = None,
    participants: list[dict[str, Any]] | None = None,
) -> FamilyPlan:
    data = copy.deepcopy(tiny)
    data["consents"] = consents if consents is not None else [copy.deepcopy(SHARING)]
    data["meetings"][0]["participants"] += (
        participants if participants is not None else [dict(TEACHER)]
    )
    return plan_from_json(json.dumps(data))


def sharing(**changes: Any) -> dict[str, Any]:
    consent = copy.deepcopy(SHARING)
    consent.update(changes)
    return consent


def decision_for(plan: FamilyPlan, name: str, on: date = ON) -> Decision:
    return next(d for d in check_recipients(plan, on) if d.recipient == name)


# --- the consent cases -----------------------------------------------------------------------


def test_covered_by_department(tiny: dict[str, Any]) -> None:
    decision = decision_for(make_plan(tiny), TEACHER["name"])
    assert (decision.allowed, decision.reason, decision.consent) == (True, "covered", 0)


@pytest.mark.parametrize(
    "participant",
    [
        {"name": "X", "organization": "Familieafdelingen"},  # organization among departments
        {"name": "X", "organization": "BØRNEPSYKIATRIEN  nord", "department": "Team 2"},
        {"name": "X", "organization": "Kommunen", "department": "skole OG sfo"},
    ],
    ids=["organization-as-department", "external-party", "case-insensitive"],
)
def test_covered_by_organization_or_party(
    tiny: dict[str, Any], participant: dict[str, Any]
) -> None:
    decision = decision_for(make_plan(tiny, participants=[participant]), "X")
    assert (decision.allowed, decision.reason) == (True, "covered")


def test_department_of_an_external_party_is_not_enough(tiny: dict[str, Any]) -> None:
    # an external party's name matches the organization, never the department
    participant = {
        "name": "X",
        "organization": "Privat klinik",
        "department": "Børnepsykiatrien Nord",
    }
    decision = decision_for(make_plan(tiny, participants=[participant]), "X")
    assert (decision.allowed, decision.reason) == (False, "not_covered")


def test_no_consent(tiny: dict[str, Any]) -> None:
    data_only = sharing(kind="data_collection", departments=[], external_parties=[])
    for consents in ([], [data_only]):
        decision = decision_for(make_plan(tiny, consents=consents), TEACHER["name"])
        assert (decision.allowed, decision.reason, decision.consent) == (False, "no_consent", None)


def test_expired(tiny: dict[str, Any]) -> None:
    plan = make_plan(tiny, consents=[sharing(valid_until="2026-12-09")])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason, decision.consent) == (False, "expired", 0)
    # valid through its last day
    assert decision_for(plan, TEACHER["name"], date(2026, 12, 9)).allowed


def test_withdrawn(tiny: dict[str, Any]) -> None:
    plan = make_plan(tiny, consents=[sharing(withdrawn_on="2026-12-10")])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason) == (False, "withdrawn")
    # before the day it was withdrawn, it still held
    assert decision_for(plan, TEACHER["name"], date(2026, 12, 9)).allowed


def test_not_signed(tiny: dict[str, Any]) -> None:
    for signed in (None, "2026-12-11"):
        unsigned = [{"member": "son", "signed_on": signed}]
        plan = make_plan(tiny, consents=[sharing(signed_on=signed, young_people=unsigned)])
        decision = decision_for(plan, TEACHER["name"])
        assert (decision.allowed, decision.reason) == (False, "not_signed")


def test_every_custodian_signs(tiny: dict[str, Any]) -> None:
    # joint custody: the father holds custody too, and has not signed
    tiny["family"]["members"].append(
        {"id": "far", "first_name": "Per", "role": "parent", "custody_of": ["son"]}
    )
    plan = make_plan(tiny)
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason) == (False, "custodian_not_signed")
    assert (decision.subject, decision.child) == ("Per", "Bo Test")
    both = sharing(
        young_people=[
            {"member": "son", "signed_on": "2026-11-01"},
            {"member": "far", "signed_on": "2026-11-02"},
        ]
    )
    assert decision_for(make_plan(tiny, consents=[both]), TEACHER["name"]).allowed


def test_a_parent_living_elsewhere_with_custody_signs_too(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"].append(
        {
            "id": "far",
            "first_name": "Per",
            "role": "parent",
            "custody_of": ["son"],
            "lives_in_household": False,
        }
    )
    assert decision_for(make_plan(tiny), TEACHER["name"]).reason == "custodian_not_signed"


def test_every_adult_signs_for_their_own_data(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"].append({"id": "stedfar", "first_name": "Ib", "role": "other_adult"})
    decision = decision_for(make_plan(tiny), TEACHER["name"])
    assert (decision.allowed, decision.reason, decision.subject) == (
        False,
        "adult_not_signed",
        "Ib",
    )


def test_nobody_recorded_with_custody_refuses_and_names_the_field(tiny: dict[str, Any]) -> None:
    del tiny["family"]["members"][0]["custody_of"]
    decision = decision_for(make_plan(tiny), TEACHER["name"])
    assert (decision.allowed, decision.reason) == (False, "custodian_unknown")
    assert decision.place == "$.family.members[0].custody_of"


def test_a_child_the_consent_does_not_name_is_not_covered(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"].append(
        {"id": "lille", "first_name": "Lise", "role": "child", "birth_date": "2020-01-01"}
    )
    tiny["family"]["members"][0]["custody_of"].append("lille")
    decision = decision_for(make_plan(tiny), TEACHER["name"])
    assert (decision.allowed, decision.reason, decision.place) == (
        False,
        "child_not_covered",
        "$.consents[0].children",
    )


def test_young_person_not_signed(tiny: dict[str, Any]) -> None:
    # Bo (born 2010-05-01) is 16 on ON and has not signed
    plan = make_plan(tiny, consents=[sharing(young_people=[])])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason) == (False, "young_person_not_signed")
    # a signature dated after the day does not count
    late = [{"member": "son", "signed_on": "2026-12-11"}]
    plan = make_plan(tiny, consents=[sharing(young_people=late)])
    assert decision_for(plan, TEACHER["name"]).reason == "young_person_not_signed"
    # an unsigned entry does not count either
    unsigned = [{"member": "son"}]
    plan = make_plan(tiny, consents=[sharing(young_people=unsigned)])
    assert decision_for(plan, TEACHER["name"]).reason == "young_person_not_signed"


def test_young_person_from_the_fifteenth_birthday(tiny: dict[str, Any]) -> None:
    plan = make_plan(tiny, consents=[sharing(young_people=[], signed_on="2025-01-01")])
    day_before = date(2025, 4, 30)  # Bo is 14
    birthday = date(2025, 5, 1)  # Bo turns 15
    assert decision_for(plan, TEACHER["name"], day_before).allowed
    assert decision_for(plan, TEACHER["name"], birthday).reason == "young_person_not_signed"


def test_a_child_without_birth_date_must_sign_and_the_refusal_names_the_field(
    tiny: dict[str, Any],
) -> None:
    del tiny["family"]["members"][1]["birth_date"]
    plan = make_plan(tiny, consents=[sharing(young_people=[])])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason) == (False, "age_unknown")
    assert decision.place == "$.family.members[1].birth_date"
    assert "$.family.members[1].birth_date" in reason_line(decision, load_pack("da"), ON)
    # with the child's own signature (and the custodian's) it counts
    assert decision_for(make_plan(tiny), TEACHER["name"]).allowed


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_leaving_out_a_birth_date_never_widens_who_receives(sample: Path) -> None:
    plan = plan_from_json(sample.read_bytes())
    on = max(m.date for m in plan.meetings)
    allowed = {d.recipient for d in check_recipients(plan, on) if d.allowed}
    data = json.loads(sample.read_text(encoding="utf-8"))
    for i, member in enumerate(data["family"]["members"]):
        if "birth_date" not in member:
            continue
        changed = copy.deepcopy(data)
        del changed["family"]["members"][i]["birth_date"]
        after = {d.recipient for d in check_recipients(plan_from_json(json.dumps(changed)), on)
                 if d.allowed}  # fmt: skip
        assert after <= allowed, member["id"]


def test_a_child_signing_below_the_packs_age_is_an_input_error(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"][1]["birth_date"] = "2013-05-01"  # 13 in Denmark: does not sign
    plan = make_plan(tiny)
    with pytest.raises(InputError) as caught:
        check_recipients(plan, ON)
    (problem,) = caught.value.problems
    assert problem.place == "$.consents[0].signatures[1].member"
    assert "15" in problem.message
    # the same signature is allowed under the Dutch rules (from 12, with the parents)
    tiny["country"] = "NL"
    assert decision_for(make_plan(tiny), TEACHER["name"]).allowed


def test_signing_as_custodian_without_custody_is_an_input_error(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"].append({"id": "moster", "first_name": "Eva", "role": "other_adult"})
    consent = sharing(
        young_people=[
            {"member": "son", "signed_on": "2026-11-01"},
            {"member": "moster", "signed_on": "2026-11-01", "role": "custodian"},
        ]
    )
    with pytest.raises(InputError) as caught:
        make_plan(tiny, consents=[consent])
    (problem,) = caught.value.problems
    assert problem.place == "$.consents[0].signatures[2].role"
    assert "custody_of" in problem.message


def test_the_dutch_young_person_from_16_signs_alone(tiny: dict[str, Any]) -> None:
    tiny["country"] = "NL"  # Bo is 16 on ON: the parents no longer sign for him
    alone = sharing(giver="son", young_people=[])
    assert decision_for(make_plan(tiny, consents=[alone]), TEACHER["name"]).reason == (
        "adult_not_signed"  # the mother signs for her own data, which the plan also holds
    )


def test_a_swedish_child_of_12_may_sign_but_need_not(tiny: dict[str, Any]) -> None:
    tiny["country"] = "SE"
    tiny["family"]["members"][1]["birth_date"] = "2014-01-01"  # 12 on ON
    assert decision_for(make_plan(tiny, consents=[sharing(young_people=[])]), "Lis Lærer").allowed
    assert decision_for(make_plan(tiny), TEACHER["name"]).allowed


def test_not_covered(tiny: dict[str, Any]) -> None:
    plan = make_plan(tiny, consents=[sharing(departments=["Jobcentret"])])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason, decision.consent) == (False, "not_covered", 0)


def test_private_person(tiny: dict[str, Any]) -> None:
    supporter = {"name": "Gitte Bisidder", "function": "Bisidder", "email": "g@mail.example"}
    decision = decision_for(make_plan(tiny, participants=[supporter]), "Gitte Bisidder")
    assert (decision.allowed, decision.reason) == (False, "private_person")


def test_a_valid_consent_wins_over_an_old_one(tiny: dict[str, Any]) -> None:
    old = sharing(signed_on="2025-01-01", valid_until="2025-12-31")
    plan = make_plan(tiny, consents=[old, sharing()])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.consent) == (True, 1)


def test_the_newest_covering_consent_explains_the_refusal(tiny: dict[str, Any]) -> None:
    old = sharing(signed_on="2025-01-01", valid_until="2025-12-31")
    new = sharing(signed_on="2026-06-01", withdrawn_on="2026-09-01")
    other = sharing(departments=["Jobcentret"])  # valid, but for someone else
    plan = make_plan(tiny, consents=[old, new, other])
    decision = decision_for(plan, TEACHER["name"])
    assert (decision.allowed, decision.reason, decision.consent) == (False, "withdrawn", 1)


@pytest.mark.parametrize(
    "consents",
    [[], [sharing(withdrawn_on="2026-01-01")], [sharing(young_people=[])]],
    ids=["none", "withdrawn", "young-person"],
)
def test_the_family_always_receives(tiny: dict[str, Any], consents: list[dict[str, Any]]) -> None:
    decision = decision_for(make_plan(tiny, consents=consents), "Anna Test")
    assert (decision.allowed, decision.reason) == (True, "family")
    assert decision.member == "mor"


def test_the_family_receives_even_when_not_a_participant(tiny: dict[str, Any]) -> None:
    tiny["meetings"][0]["participants"] = []
    decisions = check_recipients(make_plan(tiny), ON)
    assert [(d.recipient, d.reason) for d in decisions] == [
        ("Familien Test", "family"),
        (TEACHER["name"], "covered"),
    ]


def test_recipients_come_from_the_latest_network_meeting(tiny: dict[str, Any]) -> None:
    later = {
        "kind": "follow_up",
        "date": "2027-03-01",
        "participants": [{"name": "Anna Test", "member": "mor"}, {"name": "Ny Person"}],
    }
    after = {"kind": "after_meeting", "date": "2027-04-01", "participants": [{"name": "Z"}]}
    tiny["meetings"] += [later, after]
    names = [d.recipient for d in check_recipients(make_plan(tiny), ON)]
    assert names == ["Anna Test", "Ny Person"]


def test_no_network_meeting(tiny: dict[str, Any], tmp_path: Path) -> None:
    tiny["meetings"][0]["kind"] = "screening"
    plan = make_plan(tiny)
    with pytest.raises(InputError) as caught:
        check_recipients(plan, ON)
    assert caught.value.problems[0].place == "$.meetings"
    with pytest.raises(InputError):
        distribute(plan, load_pack("da"), tmp_path / "out", on=ON)
    assert not (tmp_path / "out").exists()


# --- the samples -----------------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_samples_refuse_the_uncovered_professional(sample: Path) -> None:
    plan = plan_from_json(sample.read_bytes())
    decisions = check_recipients(plan, plan.meetings[-1].date if plan.meetings else ON)
    professionals = [d for d in decisions if d.organization or d.department]
    refused = [d for d in professionals if not d.allowed]
    assert {d.reason for d in refused} <= {"not_covered"}, refused
    assert [d for d in decisions if d.member and not d.allowed] == []
    assert any(d.reason == "covered" for d in professionals)


def test_some_sample_has_a_refused_professional() -> None:
    refused = []
    for sample in SAMPLES:
        plan = plan_from_json(sample.read_bytes())
        on = max(m.date for m in plan.meetings)
        refused += [d for d in check_recipients(plan, on) if d.organization and not d.allowed]
    assert refused, "a sample should show a professional the consent does not cover"
    assert {d.reason for d in refused} == {"not_covered"}


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_distribute_a_sample(sample: Path, tmp_path: Path) -> None:
    plan = plan_from_json(sample.read_bytes())
    pack = load_pack(sample.parent.name)
    on = max(m.date for m in plan.meetings)
    out = tmp_path / "out"
    manifest = distribute(plan, pack, out, on=on)

    data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data["on"] == on.isoformat()
    assert data["documents"] == ["family_plan"]
    decisions = check_recipients(plan, on)
    assert [r["recipient"] for r in data["recipients"]] == [d.recipient for d in decisions]
    assert [r["reason"] for r in data["recipients"]] == [d.reason for d in decisions]
    assert data["allowed"] + data["refused"] == len(decisions)
    folders = sorted(p.name for p in out.iterdir() if p.is_dir())
    assert folders == sorted(r["folder"] for r in data["recipients"] if r["allowed"])
    for entry in data["recipients"]:
        assert entry["message"]
        if entry["allowed"]:
            assert entry["files"] == [f"{entry['folder']}/family_plan.docx"]
            assert (out / entry["files"][0]).is_file()
        else:
            assert entry["files"] == [] and entry["folder"] is None
        if entry["reason"] == "covered":
            assert entry["consent"]["place"].startswith("$.consents[")
    assert manifest.path == out / MANIFEST_NAME
    assert len(manifest.messages) == len(decisions)

    # never an ID number: not in the manifest, not in a folder name
    text = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    for member in plan.family.members:
        if member.national_id is not None:
            for form in (member.national_id.reveal(), member.national_id.formatted(plan.country)):
                assert form not in text
                assert all(form not in name for name in folders)
    assert all(not re.search(r"\d", name.split("-", 1)[1]) for name in folders)


# --- writing ---------------------------------------------------------------------------------


def test_distribute_writes_folders_and_manifest(tiny: dict[str, Any], tmp_path: Path) -> None:
    outsider = {"name": "Ole Udenfor", "organization": "Borgerservice", "email": "o@k.example"}
    plan = make_plan(tiny, participants=[dict(TEACHER), outsider])
    out = tmp_path / "out"
    manifest = distribute(plan, load_pack("da"), out, on=ON)
    assert sorted(p.name for p in out.iterdir()) == [
        "01-anna-test",
        "02-lis-laerer",
        MANIFEST_NAME,
    ]
    assert (out / "02-lis-laerer" / "family_plan.docx").is_file()
    assert [d.recipient for d in manifest.allowed] == ["Anna Test", "Lis Lærer"]
    assert [(d.recipient, d.reason) for d in manifest.refused] == [("Ole Udenfor", "not_covered")]
    assert manifest.messages[2].startswith("Ole Udenfor (Borgerservice) får ikke planen")
    data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data["meeting"] == {"number": 1, "kind": "network", "date": "2026-12-10"}
    assert data["recipients"][1]["consent"] == {
        "place": "$.consents[0]",
        "signatures": [
            {"member": "mor", "signed_on": "2026-11-01"},
            {"member": "son", "signed_on": "2026-11-01"},
        ],
        "valid_until": "2027-11-01",
        "withdrawn_on": None,
    }
    assert summary_line(manifest, load_pack("da")) == (
        "Planen er klar til 2 af 3 modtagere (samtykket kontrolleret den 10. december 2026)."
    )
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "out"]
    assert leftovers == []


def test_on_defaults_to_today(tiny: dict[str, Any], tmp_path: Path) -> None:
    before = date.today()
    manifest = distribute(make_plan(tiny), load_pack("da"), tmp_path / "out")
    assert before <= manifest.on <= date.today()
    data = json.loads((tmp_path / "out" / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data["on"] == manifest.on.isoformat()


def test_nothing_written_when_rendering_fails(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> list[Path]:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(distribute_module, "render_documents", broken)
    with pytest.raises(RuntimeError, match="rendering failed"):
        distribute(make_plan(tiny), load_pack("da"), tmp_path / "out", on=ON)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_run_leaves_the_previous_output(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    distribute(make_plan(tiny), load_pack("da"), out, on=ON)
    before = sorted(str(p.relative_to(out)) for p in out.rglob("*"))
    manifest_before = (out / MANIFEST_NAME).read_bytes()

    def broken(*args: Any, **kwargs: Any) -> list[Path]:
        raise RuntimeError("rendering failed")

    monkeypatch.setattr(distribute_module, "render_documents", broken)
    with pytest.raises(RuntimeError):
        distribute(make_plan(tiny), load_pack("da"), out, on=ON + timedelta(days=1))
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == before
    assert (out / MANIFEST_NAME).read_bytes() == manifest_before
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_a_second_run_replaces_the_first(tiny: dict[str, Any], tmp_path: Path) -> None:
    out = tmp_path / "out"
    distribute(make_plan(tiny), load_pack("da"), out, on=ON)
    assert (out / "02-lis-laerer").is_dir()
    (out / "notes.txt").write_text("the coordinator's own file", encoding="utf-8")
    withdrawn = make_plan(tiny, consents=[sharing(withdrawn_on="2026-12-12")])
    manifest = distribute(withdrawn, load_pack("da"), out, on=date(2026, 12, 13))
    assert [d.reason for d in manifest.decisions] == ["family", "withdrawn"]
    assert not (out / "02-lis-laerer").exists()  # no longer allowed: its folder is gone
    assert (out / "01-anna-test" / "family_plan.docx").is_file()
    assert (out / "notes.txt").is_file()  # what we did not write stays


def test_pdf_missing_keeps_docx_and_manifest(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_soffice(*args: Any, **kwargs: Any) -> list[Path]:
        raise ToolMissingError("LibreOffice is not installed")

    monkeypatch.setattr(distribute_module, "convert_to_pdf", no_soffice)
    out = tmp_path / "out"
    with pytest.raises(ToolMissingError):
        distribute(make_plan(tiny), load_pack("da"), out, on=ON, pdf=True)
    assert (out / "02-lis-laerer" / "family_plan.docx").is_file()
    data = json.loads((out / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert data["pdf"] is False
    assert data["recipients"][1]["files"] == ["02-lis-laerer/family_plan.docx"]


def test_pdf_files_go_to_every_recipient(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[list[Path]] = []

    def fake_pdf(documents: list[Path], out_dir: Path) -> list[Path]:
        calls.append(list(documents))
        made = []
        for doc in documents:
            target = Path(out_dir) / (doc.stem + ".pdf")
            target.write_bytes(b"%PDF-1.7 fake")
            made.append(target)
        return made

    monkeypatch.setattr(distribute_module, "convert_to_pdf", fake_pdf)
    out = tmp_path / "out"
    manifest = distribute(make_plan(tiny), load_pack("da"), out, on=ON, pdf=True)
    assert len(calls) == 1  # one conversion for all recipients
    for decision in manifest.allowed:
        assert decision.files == ("family_plan.docx", "family_plan.pdf")
        assert (out / str(decision.folder) / "family_plan.pdf").is_file()


def test_the_case_file_goes_to_every_recipient_with_the_familys_title(
    tiny: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bundles: list[Any] = []

    def fake_pdf(documents: list[Path], out_dir: Path, *, bundle: Any = None) -> list[Path]:
        bundles.append(bundle)
        made = [Path(out_dir) / (doc.stem + ".pdf") for doc in documents]
        made.append(Path(out_dir) / "bundle.pdf")
        for target in made:
            target.write_bytes(b"%PDF-1.7 fake")
        return made

    monkeypatch.setattr(distribute_module, "convert_to_pdf", fake_pdf)
    out = tmp_path / "out"
    manifest = distribute(make_plan(tiny), load_pack("da"), out, on=ON, bundle=True)
    [bundle] = bundles
    assert (bundle.title, bundle.lang) == ("Sagsmappe: Familien Test", "da-DK")
    assert manifest.pdf
    for decision in manifest.allowed:
        assert decision.files == ("bundle.pdf", "family_plan.docx", "family_plan.pdf")
        assert (out / str(decision.folder) / "bundle.pdf").is_file()


def test_no_id_number_in_manifest_or_folders(tiny: dict[str, Any], tmp_path: Path) -> None:
    cpr = "0101901232"  # hypothetical, passes the CPR check
    tiny["family"]["members"][0]["national_id"] = cpr
    tiny["meetings"][0]["participants"][0]["name"] = f"Anna Test {cpr}"
    out = tmp_path / "out"
    distribute(make_plan(tiny), load_pack("da"), out, on=ON)
    text = (out / MANIFEST_NAME).read_text(encoding="utf-8")
    assert cpr not in text and "010190-1232" not in text
    assert "Anna Test •••" in text
    assert sorted(p.name for p in out.iterdir() if p.is_dir())[0] == "01-anna-test"
    assert all(cpr not in str(p) for p in out.rglob("*"))


def test_slug() -> None:
    assert slug("Lis Lærer") == "lis-laerer"
    assert slug("Søren Ødegård-Åberg") == "soren-odegard-aberg"
    assert slug("Karim 020782-1241") == "karim"
    assert slug("كريم حداد") == ""


def test_arabic_name_gets_a_neutral_folder(tiny: dict[str, Any], tmp_path: Path) -> None:
    tiny["meetings"][0]["participants"][0]["name"] = "أنا"
    distribute(make_plan(tiny), load_pack("da"), tmp_path / "out", on=ON)
    assert (tmp_path / "out" / "01-family" / "family_plan.docx").is_file()


# --- catalog ---------------------------------------------------------------------------------


@pytest.mark.parametrize("pack", BUILTIN_PACKS)
def test_every_reason_has_a_translated_line(pack: str) -> None:
    loaded = load_pack(pack)
    assert [m for m in MSGIDS if m not in loaded.catalog] == []
    for reason in REASONS:
        decision = Decision("Lis", "Skolen", "SFO", None, reason in ("family", "covered"), reason)
        line = reason_line(decision, loaded, ON)
        assert line.startswith("Lis (Skolen, SFO)"), line
        assert "{" not in line


def test_out_must_be_a_folder(tiny: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "plan.txt"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(FamilyPlanError, match="not a folder"):
        distribute(make_plan(tiny), load_pack("da"), target, on=ON)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["plan.txt"]


def test_a_single_kind_as_text(tiny: dict[str, Any], tmp_path: Path) -> None:
    manifest = distribute(
        make_plan(tiny), load_pack("da"), tmp_path / "o", on=ON, kinds="family_plan"
    )
    assert manifest.kinds == ("family_plan",)


# --- the decisions, against the rule written out plainly ------------------------------------


def _reference(plan: FamilyPlan, on: date) -> list[tuple[str, int | None]]:
    """The choice among consents as the README states it, one participant and consent at a
    time; whether one consent counts is the pack's rule (:func:`consent_state`)."""
    rules = rules_for(plan, load_pack("da")).consent
    index = {id(c): i for i, c in enumerate(plan.consents)}

    def state(consent: Any) -> str:
        return consent_state(plan, index[id(consent)], rules, on).reason

    def signed_on(consent: Any) -> date | None:
        days = [s.signed_on for s in consent.signatures if s.signed_on is not None]
        return max(days) if days else None

    def fold(text: str | None) -> str:
        return " ".join((text or "").split()).casefold()

    sharing = [(i, c) for i, c in enumerate(plan.consents) if c.kind.value == "information_sharing"]
    out: list[tuple[str, int | None]] = []
    for p in plan.meetings[0].participants:
        if p.member is not None:
            out.append(("family", None))
            continue
        if not p.organization and not p.department:
            out.append(("private_person", None))
            continue
        if not sharing:
            out.append(("no_consent", None))
            continue
        own = [fold(v) for v in (p.department, p.organization) if v]
        covering = [
            (i, c)
            for i, c in sharing
            if any(v in {fold(d) for d in c.departments} for v in own)
            or (
                p.organization
                and fold(p.organization) in {fold(x.name) for x in c.external_parties}
            )
        ]
        valid = [i for i, c in covering if state(c) == "valid"]
        if valid:
            out.append(("covered", valid[0]))
        elif covering:
            i, c = max(covering, key=lambda ic: (signed_on(ic[1]) or date.min, ic[0]))
            out.append((state(c), i))
        else:
            last = [i for i, c in sharing if state(c) == "valid"]
            out.append(("not_covered", last[-1] if last else None))
    return out


NAMES = st.sampled_from(["Skolen", "skolen ", "PPR", "Jobcenter", "Sundhed"])
DAYS = st.sampled_from([None, "2026-01-01", "2026-12-10", "2027-01-01"])


@examples(100)
@given(
    consents=st.lists(
        st.fixed_dictionaries(
            {"departments": st.lists(NAMES, max_size=2), "parties": st.lists(NAMES, max_size=2),
             "signed_on": DAYS, "valid_until": DAYS, "withdrawn_on": DAYS,
             "young": st.booleans(), "kind": st.sampled_from(["information_sharing",
                                                              "data_collection"])}
        ),
        max_size=5,
    ),
    people=st.lists(
        st.tuples(st.one_of(st.none(), NAMES), st.one_of(st.none(), NAMES), st.booleans()),
        min_size=1, max_size=6,
    ),
)  # fmt: skip
def test_the_decisions_follow_the_rule_for_any_consents_and_participants(
    consents: list[dict[str, Any]], people: list[tuple[str | None, str | None, bool]]
) -> None:
    data = copy.deepcopy(TINY)
    data["family"]["members"][1]["birth_date"] = "2010-01-01"  # 16 on the day: signs too
    data["consents"] = [
        {
            "kind": c["kind"], "giver": "mor", "departments": c["departments"],
            "external_parties": [{"name": n} for n in c["parties"]],
            "signed_on": c["signed_on"], "valid_until": c["valid_until"],
            "withdrawn_on": c["withdrawn_on"],
            "young_people": [{"member": "son", "signed_on": "2026-01-01"}] if c["young"] else [],
        }
        for c in consents
    ]  # fmt: skip
    data["meetings"][0]["participants"] = [
        {"name": f"P{n}", "organization": org, "department": dep}
        if not family
        else {"name": f"P{n}", "member": "mor"}
        for n, (org, dep, family) in enumerate(people)
    ]
    plan = plan_from_json(json.dumps(data))
    decided = [(d.reason, d.consent) for d in check_recipients(plan, ON)]
    expected = _reference(plan, ON)
    if not any(p[2] for p in people):
        expected = [("family", None), *expected]  # the family always gets its plan
    assert decided == expected


def test_each_professional_gets_only_their_own_invitation(
    tiny: dict[str, Any], tmp_path: Path
) -> None:
    other = {
        "name": "Per Psykolog",
        "organization": "Børnepsykiatrien Nord",
        "email": "per@bpn.example",
        "phone": "11 22 33 44",
    }
    outsider = {"name": "Ole Udenfor", "organization": "Borgerservice", "email": "o@k.example"}
    tiny["family"]["members"][0]["phone"] = "99 88 77 66"
    plan = make_plan(tiny, participants=[dict(TEACHER), other, outsider])
    out = tmp_path / "out"
    manifest = distribute(plan, load_pack("da"), out, on=ON, kinds=["family_plan", "invitation"])
    by_name = {d.recipient: d for d in manifest.decisions}
    assert by_name["Ole Udenfor"].files == ()
    assert "invitation.docx" not in by_name["Anna Test"].files
    for name in ("Lis Lærer", "Per Psykolog"):
        decision = by_name[name]
        assert set(decision.files) == {"family_plan.docx", "invitation.docx"}
        assert decision.folder is not None
        letter = docx_text(out / decision.folder / "invitation.docx")
        greetings = [line for line in letter.splitlines() if line.startswith("Kære ")]
        assert greetings == [f"Kære {name}"]
        assert "99 88 77 66" not in letter

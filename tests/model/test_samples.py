"""The sample plans in ``samples/<lang>/*.json``: each validates and is full enough to fill
every document of the toolbox (and to show the distribution refusal)."""

from __future__ import annotations

import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs.model.ids import Country
from familyplan_docs.model.plan import (
    ConsentKind,
    FamilyPlan,
    MapSector,
    Meeting,
    MeetingKind,
    MemberRole,
    NetworkGroup,
)
from familyplan_docs.packs.builtin import samples_root, templates_root
from familyplan_docs.packs.coverage import consent_state
from familyplan_docs.packs.discovery import choose_pack

SAMPLES_ROOT = samples_root()
SAMPLE_FILES = sorted(SAMPLES_ROOT.glob("*/*.json"))
ADULT_ROLES = {MemberRole.PARENT, MemberRole.OTHER_ADULT}


def _builtin_locales() -> dict[str, str]:
    """Map each built-in pack's name to its locale, e.g. ``{"da": "da_DK"}``."""
    locales = {}
    for folder in sorted(templates_root().iterdir()):
        manifest = folder / "pack.toml"
        if manifest.is_file():
            locales[folder.name] = tomllib.loads(manifest.read_text(encoding="utf-8"))["locale"]
    return locales


def _network_meeting(plan: FamilyPlan) -> Meeting:
    meetings = [m for m in plan.meetings if m.kind is MeetingKind.NETWORK]
    assert meetings, "the plan has no network meeting"
    return meetings[0]


def _recipient_meeting(plan: FamilyPlan) -> Meeting:
    """The latest network, follow-up or family group conference: the plan goes to its people."""
    kinds = {MeetingKind.NETWORK, MeetingKind.FOLLOW_UP, MeetingKind.FAMILY_GROUP_CONFERENCE}
    return max((m for m in plan.meetings if m.kind in kinds), key=lambda m: m.date)


def _emails(value: Any) -> list[str]:
    """Every value of an ``email`` key anywhere in a dumped plan."""
    found: list[str] = []
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "email" and isinstance(item, str):
                found.append(item)
            else:
                found.extend(_emails(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_emails(item))
    return found


@pytest.fixture(params=SAMPLE_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def sample_path(request: pytest.FixtureRequest) -> Path:
    path: Path = request.param
    return path


@pytest.fixture
def plan(sample_path: Path) -> FamilyPlan:
    return FamilyPlan.model_validate_json(sample_path.read_text(encoding="utf-8"))


def test_every_builtin_country_pack_has_a_sample() -> None:
    # a country's pack (da, nl, sv) gets a sample family; a language-only pack (en) serves
    # families living in those countries and needs none
    languages = {path.parent.name for path in SAMPLE_FILES}
    country_packs = {
        name for name, locale in _builtin_locales().items() if locale[-2:] in Country.__members__
    }
    assert {"da", "nl", "sv"} <= country_packs <= languages


def test_sample_country_matches_the_locale_of_its_language_folder(
    sample_path: Path, plan: FamilyPlan
) -> None:
    locale = _builtin_locales()[sample_path.parent.name]
    assert plan.country == locale.split("_")[1]


def test_sample_has_two_adults_and_three_children_with_birth_dates(plan: FamilyPlan) -> None:
    members = plan.family.members
    adults = [m for m in members if m.role in ADULT_ROLES]
    children = [m for m in members if m.role is MemberRole.CHILD]
    assert len(adults) >= 2
    assert len(children) >= 3
    assert all(child.birth_date is not None for child in children)


def test_sample_has_a_young_person_of_15_and_a_small_child_at_the_network_meeting(
    plan: FamilyPlan,
) -> None:
    day = _network_meeting(plan).date
    ages = [m.age_on(day) for m in plan.family.members if m.role is MemberRole.CHILD]
    assert any(age is not None and age >= 15 for age in ages)
    assert any(age is not None and age < 6 for age in ages)


def test_sample_gives_a_national_id_to_at_least_two_members(plan: FamilyPlan) -> None:
    assert sum(m.national_id is not None for m in plan.family.members) >= 2


def test_sample_network_covers_every_group_and_sector_with_contact_and_contribution(
    plan: FamilyPlan,
) -> None:
    network = plan.network
    assert len(network) >= 6
    assert {n.group for n in network} == set(NetworkGroup)
    assert {n.sector for n in network} == set(MapSector)
    assert len({n.closeness for n in network}) >= 2
    for person in network:
        assert person.relation or person.department, person.id
        assert person.phone or person.email, person.id
        assert person.contribution, person.id


def test_sample_has_enough_goals_agreements_interventions_and_action_plans(
    plan: FamilyPlan,
) -> None:
    assert len(plan.goals) >= 4
    assert all(g.by_when and g.who for g in plan.goals)
    assert len(plan.agreements) >= 6
    assert all(a.deadline and a.checked_by for a in plan.agreements)
    assert sum(a.meeting is not None for a in plan.agreements) >= 6
    assert len(plan.interventions) >= 4
    assert len({ap.member for ap in plan.action_plans if 1 <= len(ap.items) <= 3}) >= 3


def test_sample_has_a_lead_coordinator_a_supporter_and_versions_1_and_2(
    plan: FamilyPlan,
) -> None:
    assert len(plan.coordinators) >= 2
    assert sum(c.lead for c in plan.coordinators) == 1
    assert all(c.profession for c in plan.coordinators)
    assert plan.supporter is not None
    assert {"1.0", "2.0"} <= {v.version for v in plan.versions}
    assert all(v.review_date and v.if_it_goes_differently for v in plan.versions)


def test_sample_checklist_has_its_first_ten_steps_done(plan: FamilyPlan) -> None:
    done = [entry for entry in plan.checklist if entry.done_on is not None]
    assert len(done) >= 10
    assert all(entry.done_by for entry in done)


def test_sample_has_phone_screening_and_preparation_meetings(plan: FamilyPlan) -> None:
    kinds = {m.kind for m in plan.meetings}
    assert {MeetingKind.PHONE, MeetingKind.SCREENING, MeetingKind.PREPARATION} <= kinds


def test_some_sample_holds_a_family_group_conference() -> None:
    plans = [FamilyPlan.model_validate_json(p.read_text(encoding="utf-8")) for p in SAMPLE_FILES]
    kinds = {m.kind for plan in plans for m in plan.meetings}
    assert MeetingKind.FAMILY_GROUP_CONFERENCE in kinds


def test_sample_family_group_conference_has_a_leader_the_family_and_a_timed_agenda(
    plan: FamilyPlan,
) -> None:
    conferences = [m for m in plan.meetings if m.kind is MeetingKind.FAMILY_GROUP_CONFERENCE]
    for conference in conferences:
        assert conference.leader
        assert any(p.member is not None for p in conference.participants)
        assert len(conference.agenda) >= 5
        assert all(item.minutes is not None for item in conference.agenda)


def test_sample_network_meeting_has_participants_agenda_and_minutes(plan: FamilyPlan) -> None:
    meeting = _network_meeting(plan)
    assert meeting.start_time and meeting.end_time and meeting.place and meeting.leader
    assert len(meeting.participants) >= 7
    adults = {m.id for m in plan.family.members if m.role in ADULT_ROLES and m.lives_in_household}
    assert adults <= {p.member for p in meeting.participants}
    assert len(meeting.agenda) >= 8
    assert all(item.minutes is not None for item in meeting.agenda)
    assert meeting.preparation_questions
    assert meeting.family_story and meeting.best_hope and meeting.team_dialogue
    assert len(meeting.rounds) >= 3
    assert meeting.next_meeting is not None and meeting.next_meeting > meeting.date


def test_sample_consents_count_under_the_packs_rules_on_the_network_meeting_day(
    plan: FamilyPlan,
) -> None:
    day = _network_meeting(plan).date
    rules = choose_pack(plan, None).rules.consent
    by_kind = {c.kind: i for i, c in enumerate(plan.consents)}
    assert set(by_kind) == set(ConsentKind)
    for index in by_kind.values():
        assert consent_state(plan, index, rules, day).valid
    signers = {s.member for c in plan.consents for s in c.signatures}
    custodians = [m for m in plan.family.members if m.custody_of]
    assert len(custodians) >= 2 and {m.id for m in custodians} <= signers
    assert by_kind and plan.consents[by_kind[ConsentKind.DATA_COLLECTION]].sources
    sharing = plan.consents[by_kind[ConsentKind.INFORMATION_SHARING]]
    assert sharing.departments and sharing.external_parties and sharing.purpose
    assert sharing.valid_until is not None and sharing.valid_until > day


def test_sample_has_a_child_of_12_to_15_and_a_young_person_of_16_or_over(
    plan: FamilyPlan,
) -> None:
    day = _network_meeting(plan).date
    ages = [m.age_on(day) or 0 for m in plan.family.members if m.role is MemberRole.CHILD]
    assert any(12 <= age <= 15 for age in ages)
    assert any(16 <= age < 18 for age in ages)


def test_sample_walks_the_whole_path(plan: FamilyPlan) -> None:
    """A follow-up with changed statuses, a child's recorded words, a closing, two versions
    to compare."""
    assert plan.follow_ups and plan.closing is not None and plan.closing.continues
    assert any(view.good and view.worries and view.wishes for view in plan.child_views)
    previous = plan.versions[-2]
    assert previous.goals and previous.agreements
    before = {g.id: g.status for g in previous.goals}
    assert any(before.get(g.id) not in (None, g.status) for g in plan.goals)
    assert any(g.id not in before for g in plan.goals)


def test_exactly_one_professional_the_plan_goes_to_falls_outside_the_sharing_consent(
    plan: FamilyPlan,
) -> None:
    sharing = [c for c in plan.consents if c.kind is ConsentKind.INFORMATION_SHARING]
    departments = {d.casefold() for c in sharing for d in c.departments}
    parties = {p.name.casefold() for c in sharing for p in c.external_parties}
    outside = [
        p.name
        for p in _recipient_meeting(plan).participants
        if p.member is None
        and (p.department or p.organization)
        and (p.department or "").casefold() not in departments
        and (p.organization or "").casefold() not in departments | parties
    ]
    assert len(outside) == 1, outside


def test_sample_uses_only_reserved_example_email_domains(plan: FamilyPlan) -> None:
    emails = _emails(plan.model_dump(mode="json"))
    assert emails
    assert [e for e in emails if not e.endswith(".example")] == []


def test_sample_network_meeting_is_held_in_december_2026_or_january_2027(
    plan: FamilyPlan,
) -> None:
    assert date(2026, 12, 1) <= _network_meeting(plan).date <= date(2027, 1, 31)

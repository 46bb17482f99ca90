"""Consents with one signature per person, custody per child, and old plans migrated on load."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from familyplan_docs import InputError, plan_from_json
from familyplan_docs.model.checks import signer_role
from familyplan_docs.model.consent import migrate_consent
from familyplan_docs.model.enums import SignerRole
from familyplan_docs.model.load import json_schema
from tests.helpers import TINY


def plan_with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(TINY)
    data.update(changes)
    return data


def problems(data: dict[str, Any]) -> list[tuple[str, str]]:
    with pytest.raises(InputError) as caught:
        plan_from_json(json.dumps(data))
    return [(p.place, p.message) for p in caught.value.problems]


def test_an_old_consent_with_a_giver_becomes_signatures_on_load() -> None:
    old = {
        "kind": "information_sharing",
        "giver": "mor",
        "children": ["son"],
        "signed_on": "2026-11-01",
        "young_people": [{"member": "son", "signed_on": "2026-11-02"}],
    }
    plan = plan_from_json(json.dumps(plan_with(consents=[old])))
    (consent,) = plan.consents
    assert [(s.member, str(s.signed_on)) for s in consent.signatures] == [
        ("mor", "2026-11-01"),
        ("son", "2026-11-02"),
    ]
    assert migrate_consent({"kind": "data_collection"}) == {"kind": "data_collection"}


def test_a_consent_mixing_both_shapes_is_reported_not_guessed() -> None:
    mixed = {"kind": "information_sharing", "giver": "mor", "signatures": []}
    assert problems(plan_with(consents=[mixed])) == [
        ("$.consents[0].giver", "this field is not part of the plan (check its spelling)")
    ]


def test_the_schema_describes_signatures_and_custody() -> None:
    defs = json_schema()["$defs"]
    assert "signatures" in defs["Consent"]["properties"]
    assert "giver" not in defs["Consent"]["properties"]
    assert "custody_of" in defs["Member"]["properties"]


def test_custody_names_children_of_the_family() -> None:
    data = plan_with()
    data["family"]["members"][0]["custody_of"] = ["son", "mor", "nobody"]
    assert problems(data) == [
        ("$.family.members[0].custody_of[1]", "'mor' is not a child of the family (role child)"),
        ("$.family.members[0].custody_of[2]", "no family member has the id 'nobody'"),
    ]


def test_signing_as_custodian_needs_custody_of_a_child_the_consent_is_for() -> None:
    data = plan_with()
    data["family"]["members"][0]["custody_of"] = []
    consent = {
        "kind": "information_sharing",
        "children": ["son"],
        "signatures": [{"member": "mor", "signed_on": "2026-11-01", "role": "custodian"}],
    }
    data["consents"] = [consent]
    ((place, message),) = problems(data)
    assert place == "$.consents[0].signatures[0].role"
    assert "$.family.members[0].custody_of" in message


def test_a_child_signs_as_child_and_only_once() -> None:
    consent = {
        "kind": "information_sharing",
        "children": ["son"],
        "signatures": [
            {"member": "son", "role": "adult"},
            {"member": "son"},
        ],
    }
    assert problems(plan_with(consents=[consent])) == [
        (
            "$.consents[0].signatures[0].role",
            "'son' is a child and signs as child, for their own data",
        ),
        ("$.consents[0].signatures[1].member", "'son' signs twice; keep one signature per person"),
    ]


def test_a_signature_without_role_takes_it_from_the_member() -> None:
    consent = {
        "kind": "information_sharing",
        "children": ["son"],
        "signatures": [{"member": "mor"}, {"member": "son"}],
    }
    plan = plan_from_json(json.dumps(plan_with(consents=[consent])))
    roles = [signer_role(plan, plan.consents[0], s.member) for s in plan.consents[0].signatures]
    assert roles == [SignerRole.CUSTODIAN, SignerRole.CHILD]


def test_ids_of_goals_and_agreements_are_used_once_per_version() -> None:
    data = plan_with(
        goals=[{"goal": "A", "id": "g1"}, {"goal": "B", "id": "g1"}],
        versions=[
            {"version": "1.0", "goals": [{"goal": "A", "id": "x"}, {"goal": "B", "id": "x"}]}
        ],
    )
    assert problems(data) == [
        ("$.goals[1].id", "id 'g1' is used twice"),
        ("$.versions[0].goals[1].id", "id 'x' is used twice"),
    ]


def test_a_childs_view_belongs_to_a_child() -> None:
    data = plan_with(child_views=[{"member": "mor", "good": "x"}])
    assert problems(data) == [
        ("$.child_views[0].member", "'mor' is not a child of the family (role child)")
    ]

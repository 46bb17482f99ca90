"""The data model: validation with exact paths, ID numbers validated and masked."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest

from familyplan_docs import FamilyPlan, InputError, PersonalId, json_schema, plan_from_json

VALID_CPR = "0101851234"
VALID_BSN = "999990019"
VALID_PNR = "191212121212"


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(InputError) as info:
        plan_from_json(json.dumps(data))
    return [str(p) for p in info.value.problems]


def test_a_valid_plan_validates(tiny: dict[str, Any]) -> None:
    plan = plan_from_json(json.dumps(tiny))
    assert plan.family.members[1].first_name == "Bo"


def test_an_impossible_date_is_reported_with_its_json_path(tiny: dict[str, Any]) -> None:
    tiny["agreements"][0]["deadline"] = "2027-02-30"
    found = problems(tiny)
    assert len(found) == 1
    assert found[0].startswith("$.agreements[0].deadline:")


def test_every_problem_is_reported_at_once(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"][0]["role"] = "grandparent"
    tiny["goals"][0]["status"] = "maybe"
    tiny["meetings"][0]["date"] = "tomorrow"
    found = problems(tiny)
    places = {p.split(":")[0] for p in found}
    assert places == {
        "$.family.members[0].role",
        "$.goals[0].status",
        "$.meetings[0].date",
    }


def test_an_unknown_field_is_named(tiny: dict[str, Any]) -> None:
    tiny["family"]["nmae"] = "typo"
    assert problems(tiny)[0].startswith("$.family.nmae:")


def test_malformed_json_names_line_and_column() -> None:
    with pytest.raises(InputError) as info:
        plan_from_json('{"country": "DK",,}')
    assert "line 1, column" in str(info.value)


@pytest.mark.parametrize(
    ("country", "good", "bad"),
    [
        ("DK", VALID_CPR, "3201851234"),
        ("NL", VALID_BSN, "999990018"),
        ("SE", VALID_PNR, "191212121213"),
    ],
)
def test_id_numbers_are_validated_for_the_plan_country_and_never_shown(
    tiny: dict[str, Any], country: str, good: str, bad: str
) -> None:
    tiny["country"] = country
    tiny["family"]["members"][1]["national_id"] = good
    plan = plan_from_json(json.dumps(tiny))
    assert plan.family.members[1].national_id == PersonalId(good)
    tiny["family"]["members"][1]["national_id"] = bad
    with pytest.raises(InputError) as info:
        plan_from_json(json.dumps(tiny))
    message = str(info.value)
    assert "$.family.members[1].national_id" in message
    assert bad not in message and bad[:6] not in message


def test_an_id_number_is_masked_in_repr_str_and_logs(
    tiny: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    tiny["family"]["members"][1]["national_id"] = VALID_CPR
    plan = plan_from_json(json.dumps(tiny))
    with caplog.at_level(logging.INFO):
        logging.getLogger("test").info("plan %s %r", plan, plan)
    for text in (repr(plan), str(plan), caplog.text, f"{plan.family.members[1].national_id}"):
        assert VALID_CPR not in text
    assert json.loads(plan.model_dump_json())["family"]["members"][1]["national_id"] == VALID_CPR


def test_a_reference_to_an_unknown_member_is_reported_with_its_path(tiny: dict[str, Any]) -> None:
    tiny["interventions"] = [{"member": "far", "plan": "Handleplan"}]
    assert problems(tiny) == ["$.interventions[0].member: no family member has the id 'far'"]


def test_a_control_character_is_refused_with_its_place(tiny: dict[str, Any]) -> None:
    tiny["goals"][0]["goal"] = "bad\x07bell"
    found = problems(tiny)
    assert found[0].startswith("$.goals[0].goal:") and "U+0007" in found[0]


def test_newlines_tabs_and_any_script_are_accepted(tiny: dict[str, Any]) -> None:
    tiny["goals"][0]["goal"] = "a\nb\tc — مرحبا 👪 Æ Ø Å {{ 7*7 }}"
    plan = plan_from_json(json.dumps(tiny))
    assert plan.goals[0].goal == tiny["goals"][0]["goal"]


def test_the_json_schema_describes_the_plan() -> None:
    schema = json_schema()
    assert schema["$schema"].endswith("2020-12/schema")
    assert {"country", "family", "coordinators"} <= set(schema["required"])
    assert FamilyPlan.model_json_schema()["title"] == "FamilyPlan"

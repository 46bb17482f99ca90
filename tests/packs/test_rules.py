"""A pack's consent rules: the [consent] table in one schema for every country, checked."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from familyplan_docs import PackError, load_pack, plan_from_json
from familyplan_docs.model.enums import SignerRole
from familyplan_docs.packs.coverage import rules_for
from familyplan_docs.packs.rules import TABLES, parse_rules
from tests.helpers import BUILTIN_PACKS, TINY, make_pack

DAY = date(2026, 12, 10)


def test_every_built_in_pack_has_consent_rules_and_every_legal_key() -> None:
    keys = set(load_pack("da").legal)
    for name in BUILTIN_PACKS:
        pack = load_pack(name)
        assert set(pack.legal) == keys, name
        assert all(pack.manifest.rules.get(table) for table in TABLES), name
        assert pack.rules.departments and pack.rules.sharing_information, name


@pytest.mark.parametrize(
    ("pack", "may_sign", "signs", "alone", "birth_dates"),
    [("da", 15, 15, 18, True), ("nl", 12, 12, 16, False), ("sv", 12, 15, 18, True)],
)
def test_each_country_says_from_which_age_a_child_signs(
    pack: str, may_sign: int, signs: int, alone: int, birth_dates: bool
) -> None:
    rules = load_pack(pack).rules.consent
    assert (rules.may_sign_from, rules.signs_from, rules.alone_from) == (may_sign, signs, alone)
    assert rules.national_id_on_consents is birth_dates
    assert rules.rule_for(None) == "unknown"
    assert rules.rule_for(rules.adult_age) == "alone"


def plan(country: str, child_birth: str | None, **custody: list[str]) -> Any:
    data = copy.deepcopy(TINY)
    data["country"] = country
    child = data["family"]["members"][1]
    if child_birth is None:
        del child["birth_date"]
    else:
        child["birth_date"] = child_birth
    data["family"]["members"].append(
        {"id": "far", "first_name": "Per", "role": "parent", "custody_of": custody.get("far", [])}
    )
    return plan_from_json(json.dumps(data))


def kinds(
    country: str, birth: str | None, **custody: list[str]
) -> list[tuple[str, tuple[str, ...]]]:
    p = plan(country, birth, **custody)
    rules = load_pack({"DK": "da", "NL": "nl", "SE": "sv"}[country]).rules.consent
    return [(n.kind.value, n.members) for n in rules.needs(p, DAY, ["son"], own_data=True)]


def test_a_young_person_signs_with_both_custodians_and_every_adult_signs_for_themselves() -> None:
    # Bo is 16: in Denmark he signs, and both parents with custody sign for him
    assert kinds("DK", "2010-05-01", far=["son"]) == [
        ("custodian", ("mor",)),
        ("custodian", ("far",)),
        ("adult", ("mor",)),
        ("adult", ("far",)),
        ("child", ("son",)),
    ]


def test_from_16_a_dutch_young_person_signs_alone() -> None:
    assert kinds("NL", "2010-05-01", far=["son"]) == [
        ("adult", ("mor",)),
        ("adult", ("far",)),
        ("child", ("son",)),
    ]


def test_a_child_whose_age_is_unknown_signs_with_every_custodian() -> None:
    p = plan("NL", None, far=["son"])
    needs = load_pack("nl").rules.consent.needs(p, DAY, ["son"], own_data=False)
    assert [(n.kind, n.members, n.age_unknown) for n in needs] == [
        (SignerRole.CUSTODIAN, ("mor",), True),
        (SignerRole.CUSTODIAN, ("far",), True),
        (SignerRole.CHILD, ("son",), True),
    ]


def test_a_child_nobody_holds_custody_of_needs_a_custodian_nobody_can_give() -> None:
    p = plan("DK", "2020-01-01")
    p.family.members[0].custody_of.clear()
    (need,) = load_pack("da").rules.consent.needs(p, DAY, ["son"], own_data=False)
    assert (need.kind, need.members) == (SignerRole.CUSTODIAN, ())


def test_the_rules_follow_the_plans_country_not_the_forms_language() -> None:
    p = plan("NL", "2014-01-01")
    assert rules_for(p, load_pack("en")).consent.signs_from == 12  # Dutch rules in English
    assert rules_for(p, load_pack("da")).consent.alone_from == 16


def write(folder: Path, body: str, extends: str | None = None) -> Path:
    make_pack(folder, folder.name, extends=extends)
    with (folder / "pack.toml").open("a", encoding="utf-8") as handle:
        handle.write(body)
    return folder


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[consent]\nadult_age = 18\nchildren = 3\n", "unknown key(s) children"),
        ('[consent]\ncustodians = "some"\n', 'custodians must be "all" or "any"'),
        ("[[consent.band]]\nfrom_age = 3\n", "bands must start at from_age = 0 and go up"),
        (
            "[[consent.band]]\nfrom_age = 0\n[[consent.band]]\nfrom_age = 0\n",
            "bands must start at from_age = 0 and go up",
        ),
        (
            '[[consent.band]]\nfrom_age = 0\ncustodians_sign = false\nchild = "heard"\n',
            "without custodians the child must sign",
        ),
        ('[[consent.band]]\nfrom_age = 0\nchild = "maybe"\n', "child one of heard, may_sign"),
        ("[consent]\nadult_age = 40\n", "adult_age must be a whole number from 0 to 25"),
        ("[consent_sharing]\ndepartments = [1, 2]\n", "departments must be a list of texts"),
    ],
)
def test_a_bad_consent_table_is_a_pack_error_naming_file_and_key(
    tmp_path: Path, body: str, message: str
) -> None:
    pack = load_pack(write(tmp_path / "bad", body, extends="da"))
    with pytest.raises(PackError) as caught:
        _ = pack.rules
    assert message in str(caught.value)
    assert str(tmp_path / "bad" / "pack.toml") in str(caught.value)


def test_an_extending_pack_changes_only_the_keys_it_sets(tmp_path: Path) -> None:
    body = '[consent]\ncustodians = "any"\n[consent_sharing]\ndepartments = ["Acme-afdelingen"]\n'
    rules = load_pack(write(tmp_path / "acme", body, extends="da")).rules
    da = load_pack("da").rules
    assert rules.consent.custodians == "any"
    assert rules.consent.bands == da.consent.bands
    assert rules.departments == ("Acme-afdelingen",)
    assert rules.sharing_information == da.sharing_information


def test_parse_rules_defaults_fail_closed_for_children() -> None:
    rules = parse_rules({}, "pack.toml").consent
    assert rules.may_sign_from == rules.adult_age  # without bands no child signs alone
    assert rules.custodians == "all"

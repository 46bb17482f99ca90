"""Generate realistic, fictional families for benchmarks, shaped like the bundled samples.

Each family takes one sample (Danish, Dutch or Swedish, in turn) as its shape and gets new
people from Faker in that country's locale (``da_DK``, ``nl_NL``, ``sv_SE``): every person's
name is replaced everywhere it occurs (also in the free text), addresses, phones and e-mail
addresses are new, all dates move by the same number of days, and the network, goals,
agreements and interventions vary in number. ID numbers are left out. The same index and
seed always give the same family.

Usage as a script::

    python benchmarks/families.py OUT_FOLDER [--families N] [--seed S]
"""

from __future__ import annotations

import argparse
import copy
import json
import random
import re
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from faker import Faker

from familyplan_docs.model.load import plan_from_json
from familyplan_docs.packs.builtin import samples_root

LOCALES = {"da": "da_DK", "nl": "nl_NL", "sv": "sv_SE"}
FAMILY_WORD = {"da": "Familien", "nl": "Gezin", "sv": "Familjen"}
PARTICLES = frozenset({"de", "van", "der", "den", "el", "al", "ter", "te", "von", "af"})
ORG_WORDS = frozenset({"kommune", "gemeente", "kommun"})
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@cache
def _sample(lang: str) -> dict[str, Any]:
    path = sorted((samples_root() / lang).glob("*.json"))[0]
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


@cache
def _faker(locale: str) -> Faker:
    return Faker(locale)


def _walk(value: Any, fn: Any, key: str = "") -> Any:
    if isinstance(value, dict):
        return {k: _walk(v, fn, k) for k, v in value.items()}
    if isinstance(value, list):
        return [_walk(v, fn, key) for v in value]
    return fn(key, value)


def _person_names(plan: dict[str, Any]) -> list[str]:
    names = [f"{m['first_name']} {m.get('last_name', '')}" for m in plan["family"]["members"]]
    names += [c["name"] for c in plan["coordinators"]]
    names += [n["name"] for n in plan["network"]]
    if plan.get("supporter"):
        names.append(plan["supporter"]["name"])
    for meeting in plan.get("meetings", []):
        names += [p["name"] for p in meeting.get("participants", [])]
        if meeting.get("leader"):
            names.append(meeting["leader"])
    return names


def _subset(rng: random.Random, items: list[Any], low: int) -> list[Any]:
    if len(items) <= low:
        return items
    keep = sorted(rng.sample(range(len(items)), rng.randint(low, len(items))))
    return [items[i] for i in keep]


def generate_family(index: int, seed: int = 0) -> dict[str, Any]:
    """Return family number *index* as plan data (valid against the model)."""
    lang = list(LOCALES)[index % len(LOCALES)]
    fake = _faker(LOCALES[lang])
    fake.seed_instance(seed * 1_000_003 + index)
    rng = random.Random(seed * 1_000_003 + index)
    plan = copy.deepcopy(_sample(lang))

    # new words for every part of every person's name, the same everywhere
    old_surname = plan["family"]["name"].split()[-1]
    surname = fake.last_name()
    words: dict[str, str] = {old_surname: surname}
    for name in _person_names(plan):
        tokens = [t for t in name.split() if t[:1].isupper() and t.lower() not in PARTICLES]
        for position, token in enumerate(tokens):
            if token not in words:
                words[token] = fake.first_name() if position == 0 else fake.last_name()
    town = [w for w in plan["organization"]["name"].split() if w.lower() not in ORG_WORDS]
    town_word = max(town, key=len)
    city = fake.city()
    words[town_word] = city
    pattern = re.compile(r"\b(" + "|".join(map(re.escape, sorted(words, key=len)[::-1])) + r")\b")
    shift = timedelta(days=rng.randint(-300, 300))

    def change(key: str, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        if key == "email":
            return fake.email()
        if key == "phone":
            return fake.phone_number()
        if key == "address":
            return f"{fake.street_address()}\n{fake.postcode()} {city}"
        if _DATE.match(value):
            return (date.fromisoformat(value) + shift).isoformat()
        return pattern.sub(lambda m: words[m.group(1)], value)

    plan = dict(_walk(plan, change))
    plan["family"]["name"] = f"{FAMILY_WORD[lang]} {surname}"
    for member in plan["family"]["members"]:
        member.pop("national_id", None)

    network = plan["network"]
    count = rng.randint(6, 20)
    plan["network"] = []
    for number in range(count):
        person = copy.deepcopy(rng.choice(network))
        person["id"] = f"n{number + 1}"
        person["name"] = f"{fake.first_name()} {fake.last_name()}"
        if "phone" in person:
            person["phone"] = fake.phone_number()
        if "email" in person:
            person["email"] = fake.email()
        plan["network"].append(person)
    plan["goals"] = _subset(rng, plan["goals"], 1)
    plan["agreements"] = _subset(rng, plan["agreements"], 2)
    plan["interventions"] = _subset(rng, plan["interventions"], 1)
    return plan


def write_families(folder: Path, count: int, seed: int = 0) -> list[Path]:
    """Write *count* generated families as ``family-00001.json`` … into *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        text = json.dumps(generate_family(index, seed), ensure_ascii=False, indent=1)
        plan_from_json(text, source=f"generated family {index}")  # fails loudly if invalid
        path = folder / f"family-{index + 1:05d}.json"
        path.write_text(text, "utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--families", type=int, default=100)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    paths = write_families(args.out, args.families, args.seed)
    print(f"wrote {len(paths)} families into {args.out}")


if __name__ == "__main__":
    main()

"""Write ``tests/data/maximal-plan.json``: a fictional plan with every field filled.

Run from the repository root: ``python tools/make_maximal_sample.py``. The plan holds every
field of every part of the model at least once, 40 network members, 60 agreements, a
meeting of every kind and long free texts with the characters that are hardest to carry
(``&``, ``<``, quotes, Æ Ø Å, Arabic and Hebrew, combining marks, emoji, tabs, newlines and
text that looks like a template tag), so every document kind renders with tables that split
across pages. The same run always writes the same file; it is validated before it is written.
"""

from __future__ import annotations

import json
import random
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from familyplan_docs.model.load import validate_plan
from familyplan_docs.model.plan import (
    AgreementStatus,
    ChecklistStep,
    Closeness,
    GoalStatus,
    MapSector,
    MeetingKind,
    NetworkGroup,
)

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tests" / "data" / "maximal-plan.json"

NETWORK = 40
AGREEMENTS = 60
START = date(2026, 9, 7)

SENTENCES = [
    "Familien ønsker ro om morgenen, så børnene kommer i skole til tiden.",
    "Mor & far er enige om, at aftenerne skal være <rolige> og uden skærm efter kl. 20.",
    'Sara siger: "Jeg vil gerne selv bestemme, hvem der må læse mine karakterer."',
    "Bedstemor Åse kører Adam til fodbold om tirsdagen; Ørnen på Æblevej hjælper med lektier.",
    "Karim taler arabisk med børnene: نريد أن نعيش بهدوء وأن يذهب الأطفال إلى المدرسة.",
    "Naboen Yael skriver på hebraisk til sin søster: שלום, הכול בסדר אצלנו.",
    "Lærerens notat:\tfravær 12 %\tkarakter 7\tmål 10 (ca. ½ år).",
    "Teksten {{ 7*7 }} og {% if x %} står her som almindelig tekst, ikke som skabelon.",
    "Sundhedsplejersken kommer hver anden uge 🙂 og familien synes, det hjælper 👍🏽.",
    "Vi taler om café-besøg, naïve planer og crème brûlée — é, ü, ñ og å med accenter.",
    "Kombinerede tegn: e\u0301, a\u030a, o\u0308 og Zalgo-agtige z\u0336\u0335 holder deres form.",
    "Jobcentret foreslår 12 timer om ugen i praktik fra januar, flere efter sommerferien.",
    "PPR-psykologen har set Adam to gange; næste samtale er efter efterårsferien.",
    "Et meget langt ord: " + "Børnefamilieindsatskoordineringsmødeopfølgningsskema" * 3 + ".",
    "Hvis det går anderledes, ringer familien til koordinatoren samme dag.",
    "Mormor Inge tager Sara med til svømning om torsdagen, når hun har fri fra arbejde.",
]

FIRST = ["Anne", "Birgitte", "Carsten", "Dorthe", "Erik", "Fatima", "Gustav", "Hanne", "Ibrahim"]
FIRST += ["Jonas", "Karin", "Lars", "Maja", "Nadia", "Ole", "Pernille", "Rasmus", "Signe"]
LAST = ["Andersen", "Bech", "Christensen", "Dahl", "Eriksen", "Frandsen", "Hansen", "Jensen"]
LAST += ["Kjær", "Lund", "Madsen", "Nielsen", "Østergaard", "Pedersen", "Rasmussen", "Søndergaard"]


def _text(rng: random.Random, sentences: int, paragraphs: int = 1) -> str:
    parts = []
    for _ in range(paragraphs):
        parts.append(" ".join(rng.choice(SENTENCES) for _ in range(sentences)))
    return "\n".join(parts)


def _name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST)} {rng.choice(LAST)}"


def _phone(rng: random.Random) -> str:
    return (
        f"{rng.randint(20, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"
    )


def _email(name: str) -> str:
    user = name.lower().replace(" ", ".").replace("ø", "oe").replace("æ", "ae").replace("å", "aa")
    return f"{user}@example.dk"


def _day(offset: int) -> str:
    return (START + timedelta(days=offset)).isoformat()


def _members(rng: random.Random) -> list[dict[str, Any]]:
    people = [
        ("mette", "Mette", "parent", "Mor", date(1986, 3, 14), "140386-1282", False),
        ("karim", "Karim", "parent", "Far", date(1983, 11, 2), "021183-1231", True),
        ("inge", "Inge", "other_adult", "Mormor", date(1958, 6, 21), "210658-1420", False),
        ("sara", "Sara", "child", "Datter", date(2010, 5, 1), "010510-1268", False),
        ("adam", "Adam", "child", "Søn", date(2015, 8, 30), "300815-1237", False),
        ("lea", "Lea", "child", "Datter", date(2021, 1, 9), "090121-1228", False),
    ]
    members = []
    for ref, first, role, relation, born, cpr, interpreter in people:
        members.append(
            {
                "id": ref,
                "first_name": first,
                "last_name": "Holm Haddad",
                "role": role,
                "relation": relation,
                "birth_date": born.isoformat(),
                "national_id": cpr,
                "language": "Arabisk" if interpreter else "Dansk",
                "needs_interpreter": interpreter,
                "phone": _phone(rng),
                "email": _email(f"{first} Haddad"),
                "current_situation": _text(rng, 8, 3),
                "custody_of": ["sara", "adam", "lea"] if role == "parent" else [],
                "lives_in_household": ref != "karim",
            }
        )
    return members


def _network(rng: random.Random) -> list[dict[str, Any]]:
    groups, sectors, rings = list(NetworkGroup), list(MapSector), list(Closeness)
    out = []
    for n in range(NETWORK):
        name = _name(rng)
        out.append(
            {
                "id": f"n{n + 1}",
                "name": name,
                "group": groups[n % len(groups)].value,
                "relation": rng.choice(["Lærer", "Nabo", "Sagsbehandler", "Træner", "Moster"]),
                "organization": rng.choice(["Egesø Kommune", "Engholm Skole", "Egesø IF"]),
                "department": rng.choice(["Familierådgivningen", "PPR", "Jobcentret", "SFO"]),
                "phone": _phone(rng),
                "email": _email(name),
                "contribution": _text(rng, 3),
                "sector": sectors[n % len(sectors)].value,
                "closeness": rings[n % len(rings)].value,
            }
        )
    return out


def _meetings(rng: random.Random, members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    meetings = []
    for i, kind in enumerate(MeetingKind):
        participants = [
            {
                "name": f"{m['first_name']} {m['last_name']}",
                "function": m["relation"],
                "organization": "Familien",
                "department": "Hjemmet",
                "phone": m["phone"],
                "email": m["email"],
                "member": m["id"],
                "role": _text(rng, 1),
            }
            for m in members[:3]
        ]
        for _ in range(5):
            name = _name(rng)
            participants.append(
                {
                    "name": name,
                    "function": rng.choice(["Socialrådgiver", "Lærer", "Psykolog", "Mentor"]),
                    "organization": "Egesø Kommune",
                    "department": rng.choice(["Familierådgivningen", "PPR", "Jobcentret"]),
                    "phone": _phone(rng),
                    "email": _email(name),
                    "role": _text(rng, 1),
                }
            )
        meetings.append(
            {
                "kind": kind.value,
                "date": _day(14 * i),
                "start_time": "09:00",
                "end_time": "11:30",
                "place": "Rådhuset, mødelokale 3",
                "address": "Rådhusvænget 4\n3599 Egesø",
                "directions": _text(rng, 2),
                "leader": "Anne Kirstine Bech",
                "participants": participants,
                "absentees": [_name(rng) for _ in range(3)],
                "agenda": [
                    {
                        "title": _text(rng, 1),
                        "minutes": 5 + 5 * j,
                        "lead": _name(rng),
                        "notes": _text(rng, 4),
                    }
                    for j in range(6)
                ],
                "preparation_questions": [_text(rng, 1) for _ in range(5)],
                "family_story": _text(rng, 10, 3),
                "best_hope": _text(rng, 4),
                "rounds": [
                    {
                        "name": _name(rng),
                        "department": rng.choice(["PPR", "Skolen", "Jobcentret"]),
                        "what_works": _text(rng, 3),
                        "challenges": _text(rng, 3),
                    }
                    for _ in range(6)
                ],
                "team_dialogue": _text(rng, 8, 2),
                "next_meeting": _day(14 * i + 14),
                "invited_on": _day(14 * i - 21),
                "notes": _text(rng, 8, 2),
                "convenor": participants[3]["name"],
                "minute_taker": participants[4]["name"],
                "questions": [_text(rng, 1) for _ in range(3)],
                "own_plan": _text(rng, 8, 2),
                "position": ["approved", "approved_with_changes", "not_approved"][i % 3],
                "position_by": participants[5]["name"],
                "position_on": _day(14 * i),
                "position_reason": _text(rng, 3),
            }
        )
    return meetings


def build() -> dict[str, Any]:
    """Return the maximal plan as JSON-ready data."""
    rng = random.Random(20260907)
    members = _members(rng)
    goal_states, agreement_states = list(GoalStatus), list(AgreementStatus)
    meetings = _meetings(rng, members)
    coordinators = [
        {
            "id": ref,
            "name": name,
            "profession": "Socialrådgiver",
            "organization": "Egesø Kommune",
            "department": "Familierådgivningen",
            "phone": _phone(rng),
            "email": _email(name),
            "lead": ref == "akb",
        }
        for ref, name in (("akb", "Anne Kirstine Bech"), ("tk", "Thomas Kjær"), ("ls", "Lis Sø"))
    ]
    consent_common = {
        "children": ["sara", "adam", "lea"],
        "sources": ["school", "institution"],
        "departments": ["Familierådgivningen", "PPR", "Jobcentret", "Sundhedsplejen"],
        "external_parties": [
            {"name": "Engholm Skole", "contact": "Skoleleder Per Holt"},
            {"name": "Egesø Børnehus", "contact": "Leder Randi Bak"},
        ],
        "information_types": _text(rng, 4),
        "purpose": _text(rng, 4),
        "valid_until": "2027-10-31",
        "information": ["Fravær fra skole og dagtilbud", "Helbred og behandling"],
        "signatures": [
            {"member": "mette", "signed_on": "2026-09-24", "role": "custodian"},
            {"member": "karim", "signed_on": "2026-09-24", "interpreter": "arabisk"},
            {"member": "inge", "signed_on": "2026-09-25", "role": "adult"},
            {"member": "sara", "signed_on": "2026-09-24", "role": "child"},
        ],
    }
    goals = [
        {
            "goal": _text(rng, 2),
            "by_when": _day(90 + 7 * i),
            "who": _name(rng),
            "status": goal_states[i % len(goal_states)].value,
            "id": f"g{i}",
            "progress": _text(rng, 2),
            "next_step": _text(rng, 1),
        }
        for i in range(12)
    ]
    agreements = [
        {
            "content": _text(rng, 2),
            "responsible": _name(rng),
            "deadline": _day(20 + 3 * i),
            "status": agreement_states[i % len(agreement_states)].value,
            "checked_by": "Anne Kirstine Bech",
            "meeting": 1 + i % len(meetings),
            "id": f"a{i}",
            "progress": _text(rng, 2),
            "next_step": _text(rng, 1),
        }
        for i in range(AGREEMENTS)
    ]
    # version 2.0 as it stood: a goal and some agreements since added, statuses since changed
    old_goals = [{**g, "status": "not_started"} for g in goals[1:]]
    old_agreements = [{**a, "status": "open"} for a in agreements[5:]] + [
        {"content": _text(rng, 2), "responsible": _name(rng), "id": "a-gone"}
    ]
    consents = [
        {**consent_common, "kind": "data_collection", "withdrawn_on": "2026-09-20"},
        {**consent_common, "kind": "data_collection"},
        {**consent_common, "kind": "information_sharing"},
    ]
    return {
        "schema_version": "1",
        "country": "DK",
        "organization": {
            "name": "Egesø Kommune",
            "programme": "Familiens Vej",
            "address": "Familiens Vej, Jobcenter Egesø\nRådhusvænget 4\n3599 Egesø",
            "phone": "44 12 30 00",
            "email": "familiensvej@egesoe.kommune.example",
            "website": "https://egesoe.kommune.example/familiensvej",
            "opening_hours": [
                "Mandag–onsdag kl. 9–14",
                "Torsdag kl. 9–17",
                "Fredag kl. 9–12",
                "Weekend: lukket",
                "Akut: ring 44 12 30 00",
            ],
            "timezone": "Europe/Copenhagen",
            "controller": "Egesø Kommune, Børne- og Familieudvalget",
            "dpo_name": "Databeskyttelsesrådgiver Egesø Kommune",
            "dpo_email": "dpo@egesoe.kommune.example",
            "dpo_phone": "44 12 30 10",
            "escalation": "lederen af Familierådgivningen",
        },
        "family": {
            "name": "Familien Holm Haddad",
            "address": "Ahornvænget 17, 2. th.\n3599 Egesø",
            "members": members,
            "direction": "professional",
            "self_reliance": _text(rng, 8, 2),
            "preferred_language": "da",
            "statement": _text(rng, 12, 4),
            "going_well": _text(rng, 4),
            "could_be_better": _text(rng, 4),
        },
        "coordinators": coordinators,
        "supporter": {
            "name": "Lone Dahl",
            "relation": "Nabo og veninde til Mette",
            "phone": "22 57 90 14",
            "email": "lone.dahl@post.dk.example",
        },
        "phase": "follow_up",
        "case_number": "27.24.00-G01-0001-26",
        "versions": [
            {
                "version": version,
                "period_start": _day(30 * i),
                "period_end": _day(30 * i + 60),
                "updated_on": _day(30 * i + 5),
                "review_date": _day(30 * i + 60),
                "if_it_goes_differently": _text(rng, 5),
                **({"goals": old_goals, "agreements": old_agreements} if version == "2.0" else {}),
            }
            for i, version in enumerate(("1.0", "2.0", "2.1"))
        ],
        "goals": goals,
        "agreements": agreements,
        "network": _network(rng),
        "interventions": [
            {
                "member": members[i % len(members)]["id"],
                "plan": _text(rng, 1),
                "provider": rng.choice(["Engholm Skole", "PPR", "Jobcentret", "Sundhedsplejen"]),
                "hours_per_week": 1.5 + i % 8,
                "follow_up": _day(60 + 10 * i),
                "start": _day(10 * i),
                "end": _day(200 + 10 * i),
            }
            for i in range(15)
        ],
        "action_plans": [
            {
                "member": m["id"],
                "items": [
                    {
                        "intervention": _text(rng, 1),
                        "purpose": _text(rng, 2),
                        "goal": _text(rng, 2),
                        "responsible": _name(rng),
                        "who_does_what": _text(rng, 3),
                    }
                    for _ in range(4)
                ],
            }
            for m in members
        ],
        "consents": consents,
        "meetings": meetings,
        "checklist": [
            {"step": step.value, "done_on": _day(3 * i), "done_by": "Anne Kirstine Bech"}
            for i, step in enumerate(ChecklistStep)
        ],
        "safety": {
            "no_worries": True,
            "worries": _text(rng, 4),
            "strengths": _text(rng, 4),
            "needed": _text(rng, 4),
            "scales": [{"who": _name(rng), "score": i * 3} for i in range(4)],
            "agreements": [
                {
                    "content": _text(rng, 2),
                    "who": _name(rng),
                    "when": _day(50 + i),
                    "watched_by": _name(rng),
                }
                for i in range(4)
            ],
        },
        "child_views": [
            {
                "member": child,
                "recorded_on": _day(40),
                "recorded_by": "Anne Kirstine Bech",
                "good": _text(rng, 3),
                "worries": _text(rng, 3),
                "wishes": _text(rng, 3),
                "helpers": _text(rng, 2),
                "to_tell": _text(rng, 2),
                "shared_with": _text(rng, 1),
            }
            for child in ("sara", "adam")
        ],
        "follow_ups": [
            {
                "date": _day(120 + 90 * i),
                "version": f"2.{i + 1}",
                "meeting": len(meetings),
                "what_works": _text(rng, 4),
                "not_yet": _text(rng, 4),
                "adjust": _text(rng, 4),
                "help_needed": _text(rng, 3),
                "more_meetings": i == 0,
                "family_words": _text(rng, 4),
                "next_date": _day(210 + 90 * i),
                "convened_by": "Anne Kirstine Bech",
                "checked_by": _name(rng),
            }
            for i in range(2)
        ],
        "closing": {
            "date": _day(400),
            "reached": _text(rng, 6, 2),
            "continues": [
                {
                    "what": _text(rng, 1),
                    "who": _name(rng),
                    "contact": _phone(rng),
                    "until": _day(500),
                }
                for _ in range(5)
            ],
            "helped_most": _text(rng, 4),
            "could_be_better": _text(rng, 4),
            "meetings": _text(rng, 4),
            "overview": _text(rng, 4),
            "rating": 7,
            "call_back": True,
        },
    }


def main() -> int:
    """Validate the plan and write it; return 0."""
    data = build()
    validate_plan(data)  # raises if the model and the sample disagree
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

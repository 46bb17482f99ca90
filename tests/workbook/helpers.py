"""Shared helpers of the workbook tests: a plan that uses every field, and cell editing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import openpyxl.xml
import pytest

from familyplan_docs._errors import InputError
from familyplan_docs.packs.pack import Pack
from familyplan_docs.workbook.layout import (
    FIRST_DATA_ROW,
    SHEET_BY_KEY,
    sheet_title,
)
from familyplan_docs.workbook.read import read_workbook

PACKS = ("da", "nl", "sv")
CPR = "0707614285"  # a valid, fictional CPR number (checksum-valid test number)


def plan_data() -> dict[str, Any]:
    """A plan that uses every field and the text a workbook finds hardest."""
    return {
        "country": "DK",
        "phase": "plan_2",
        "case_number": "27.12.04-G01-112-26",
        "organization": {
            "name": "Nordby Kommune",
            "programme": "Helhedsorienteret familieindsats",
            "address": "Rådhustorvet 1\n4000 Nordby",
            "phone": "+45 46 31 00 00",
            "email": "familie@nordby.dk.example",
            "website": "https://nordby.dk.example",
            "opening_hours": ["Man.-tors. 8-15", "Fre. 8-12", "=SUM(A1)"],
            "timezone": "Europe/Copenhagen",
        },
        "family": {
            "name": "Familien Ødegård & Søn <test>",
            "address": "Æblevej 7, 2. th.",
            "direction": "professional",
            "self_reliance": 'Mor siger: "vi klarer det".\nFar er i tvivl.',
            "preferred_language": "da",
            "statement": "Vi vil have ro på 🙂 — نريد السلام",
            "members": [
                {
                    "id": "mor",
                    "first_name": "Aisha",
                    "last_name": "Ødegård",
                    "role": "parent",
                    "relation": "Mor",
                    "birth_date": "1961-07-07",
                    "national_id": CPR,
                    "language": "Arabisk",
                    "needs_interpreter": True,
                    "phone": "0045 12 34 56 78",
                    "email": "aisha@example.org",
                    "current_situation": "-2 i energi\ttabs\tog {{ 7*7 }}",
                },
                {"id": "sara", "first_name": "Sara", "role": "child", "birth_date": "2010-05-01"},
                {"id": "adam", "first_name": "Adam", "role": "child"},
            ],
        },
        "coordinators": [
            {"id": "k1", "name": "Lene Berg", "profession": "Socialrådgiver", "lead": True},
            {"id": "k2", "name": "Ole Dam", "phone": "+4512345678"},
        ],
        "supporter": {"name": "Moster Hanne", "relation": "Moster"},
        "versions": [
            {"version": "1.0", "period_start": "2026-01-05", "period_end": "2026-06-30"},
            {"version": "2.1", "review_date": "2026-09-01", "if_it_goes_differently": "@ring"},
        ],
        "goals": [
            {"goal": "Sara går i skole hver dag", "by_when": "2026-06-01", "status": "in_progress"},
            {"goal": "+ mere ro om aftenen"},
        ],
        "agreements": [
            {
                "content": "Lene ringer til skolen",
                "responsible": "Lene",
                "deadline": "2026-02-01",
                "status": "done",
                "checked_by": "Ole",
                "meeting": 2,
            },
            {"content": "=1+1", "responsible": "Familien", "meeting": 1},
        ],
        "network": [
            {
                "id": "hanne",
                "name": "Hanne",
                "group": "personal",
                "relation": "Moster",
                "contribution": "Henter Adam om tirsdagen",
                "sector": "family",
                "closeness": "close",
            },
            {
                "id": "laerer",
                "name": "Jens Lærer",
                "group": "external",
                "organization": "Nordby Skole",
                "department": "6.b",
                "phone": "12345678",
                "sector": "school_work",
                "closeness": "distant",
            },
        ],
        "interventions": [
            {
                "member": "sara",
                "plan": "Mentor",
                "provider": "Skolen",
                "hours_per_week": 1.5,
                "follow_up": "2026-03-01",
                "start": "2026-01-10",
                "end": "2026-12-31",
            },
            {"member": "mor", "plan": "Samtaler", "hours_per_week": 2},
        ],
        "action_plans": [
            {
                "member": "sara",
                "items": [
                    {"intervention": "Mentor", "purpose": "Trivsel", "goal": "Fremmøde"},
                    {"intervention": "Lektiecafé", "responsible": "Skolen"},
                ],
            },
            {"member": "mor", "items": []},
            {"member": "adam", "items": [{"intervention": "Fritidsjob", "who_does_what": "x"}]},
        ],
        "consents": [
            {
                "kind": "data_collection",
                "giver": "mor",
                "children": ["sara", "adam"],
                "sources": ["school", "institution"],
                "purpose": "Statistik",
                "valid_until": "2027-01-01",
                "signed_on": "2026-01-05",
                "young_people": [{"member": "sara", "signed_on": "2026-01-05"}],
            },
            {
                "kind": "information_sharing",
                "giver": "mor",
                "children": ["sara"],
                "departments": ["Jobcentret", "Skole & SFO", "-PPR"],
                "external_parties": [
                    {"name": "BUP", "contact": "Sofie, tlf. 38 64 20 00"},
                    {"name": "Lægehuset"},
                ],
                "information_types": "Helbred",
                "withdrawn_on": "2026-05-05",
            },
        ],
        "meetings": [
            {
                "kind": "preparation",
                "date": "2026-01-05",
                "start_time": "09:30",
                "end_time": "11:00",
                "place": "Familiehuset",
            },
            {
                "kind": "network",
                "date": "2026-01-20",
                "invited_on": "2026-01-05",
                "start_time": "14:00",
                "place": "Rådhuset, lokale 2",
                "address": "Rådhustorvet 1",
                "directions": "Indgang B",
                "leader": "Ole Dam",
                "participants": [
                    {"name": "Aisha", "member": "mor", "role": "Mor"},
                    {
                        "name": "Jens",
                        "function": "Lærer",
                        "organization": "Skolen",
                        "department": "6.b",
                        "phone": "1234",
                        "email": "j@x.example",
                    },
                ],
                "absentees": ["Far", "Læge Vinther", "Sundhedsplejen"],
                "agenda": [
                    {"title": "Velkomst", "minutes": 10, "lead": "Ole"},
                    {"title": "Familiens historie", "minutes": 25, "notes": "Mor fortalte"},
                ],
                "preparation_questions": ["Hvad går godt?"],
                "family_story": "Lang historie",
                "best_hope": "Ro",
                "rounds": [{"name": "Jens", "what_works": "Sara kommer", "challenges": "Fravær"}],
                "team_dialogue": "Godt",
                "next_meeting": "2026-03-01",
                "notes": "Ingen",
            },
        ],
        "checklist": [
            {"step": "letter_and_flyer", "done_on": "2026-01-02", "done_by": "Lene"},
            {"step": "meeting_1"},
        ],
    }


def edit(path: Path, pack: Pack, change: Callable[[Any], None]) -> Path:
    """Open a written workbook, let *change* edit it, and save it under a new name."""
    wb = openpyxl.load_workbook(path)
    change(wb)
    out = path.with_name("edited.xlsx")
    wb.save(out)
    return out


def cell(wb: Any, pack: Pack, sheet: str, column: str, row: int) -> Any:
    """The cell of *column* (a column key) in list sheet *sheet*, data row *row* (1-based)."""
    spec = SHEET_BY_KEY[sheet]
    n = [c.key for c in spec.written].index(column) + 1
    return wb[sheet_title(pack, sheet)].cell(FIRST_DATA_ROW + row - 1, n)


def problems(path: Path, **kw: Any) -> list[str]:
    with pytest.raises(InputError) as info:
        read_workbook(path, **kw)
    return [str(p) for p in info.value.problems]


def header(pack: Pack, sheet: str, column: str) -> str:
    spec = SHEET_BY_KEY[sheet]
    return pack.gettext(spec.header_id(spec.column(column)))


def place(pack: Pack, sheet: str, row: int, column: str) -> str:
    title = sheet_title(pack, sheet)
    return (
        f"Sheet '{title}', row {FIRST_DATA_ROW + row - 1}, column '{header(pack, sheet, column)}'"
    )

"""Calendar invitations: RFC 5545, the municipality's time zone, and no personal data at all."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from familyplan_docs import InputError, load_pack, plan_from_json
from familyplan_docs.delivery.calendar import (
    DEFAULT_DURATION,
    MSGIDS,
    meeting_invitation,
    not_invited,
)
from familyplan_docs.model.plan import FamilyPlan
from tests.helpers import BUILTIN_PACKS, SAMPLES, ical_js_read

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


def invite(plan: FamilyPlan | dict[str, Any], meeting: int = 1, pack: str = "da") -> bytes:
    if isinstance(plan, dict):
        plan = plan_from_json(json.dumps(plan))
    return meeting_invitation(plan, meeting, load_pack(pack), now=NOW)


def parse(data: bytes) -> Calendar:
    calendar = Calendar.from_ical(data)
    assert isinstance(calendar, Calendar)
    return calendar


def unfolded(data: bytes) -> str:
    return re.sub(r"\r?\n[ \t]", "", data.decode("utf-8"))


# --- every personal value of a sample, gathered from the raw JSON ----------------------------

# Words of a name that identify nobody ("Familien Haddad", "de Vries"); whole names are
# searched too, so leaving these words out loses nothing.
PARTICLES = {
    "familien", "familie", "family", "gezin", "het", "familjen", "familj",
    "van", "de", "der", "den", "ter", "ten", "te", "von", "af", "al", "el", "la", "le", "bin",
}  # fmt: skip


def _name_values(*names: str | None) -> Iterator[str]:
    for name in names:
        if not name:
            continue
        yield name
        for word in re.split(r"[\s,/()-]+", name):
            word = word.strip(".'’")
            if len(word) >= 2 and word.casefold() not in PARTICLES:
                yield word


def _contact_values(person: dict[str, Any]) -> Iterator[str]:
    phone = person.get("phone")
    if phone:
        yield phone
        yield re.sub(r"\D", "", phone)
    if person.get("email"):
        yield person["email"]
        yield person["email"].split("@")[0]


def _texts(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _texts(item)
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def personal_values(data: dict[str, Any]) -> list[str]:
    """Every value of the sample that says who the family is or what the case is about."""
    family = data["family"]
    values: list[str] = [*_name_values(family["name"])]
    if family.get("address"):
        # the whole address and its street line; the postcode and town alone are shared with
        # the town hall, where meetings take place
        values += [family["address"], family["address"].splitlines()[0]]
        values.append(" ".join(family["address"].split()))
    for field in ("statement", "self_reliance"):
        values += _texts(family.get(field))
    for member in family["members"]:
        full = " ".join(p for p in (member["first_name"], member.get("last_name")) if p)
        values += _name_values(member["first_name"], member.get("last_name"), full)
        if member.get("national_id"):
            raw = member["national_id"]
            values += [raw, re.sub(r"\W", "", raw)]
        values += _contact_values(member)
        values += _texts(member.get("current_situation"))
    if data.get("supporter"):
        values += _name_values(data["supporter"]["name"])
        values += _contact_values(data["supporter"])
    for person in data.get("network", []):
        if person["group"] == "personal":
            values += _name_values(person["name"])
            values += _contact_values(person)
        values += _texts(person.get("contribution"))
    for meeting in data.get("meetings", []):
        for participant in meeting.get("participants", []):
            if participant.get("member"):
                values += _name_values(participant["name"])
                values += _contact_values(participant)
            values += _texts(participant.get("role"))
        for item in meeting.get("agenda", []):
            values += _texts([item["title"], item.get("notes")])
        for field in ("family_story", "best_hope", "team_dialogue", "notes"):
            values += _texts(meeting.get(field))
        values += _texts(meeting.get("preparation_questions"))
        for entry in meeting.get("rounds", []):
            values += _texts([entry.get("what_works"), entry.get("challenges")])
    # the case itself: free text only (who is responsible may be a professional, named freely)
    for goal in data.get("goals", []):
        values += _texts(goal["goal"])
    for agreement in data.get("agreements", []):
        values += _texts(agreement["content"])
    for intervention in data.get("interventions", []):
        values += _texts(intervention["plan"])
    for action_plan in data.get("action_plans", []):
        for item in action_plan.get("items", []):
            values += _texts([item.get(k) for k in ("intervention", "purpose", "goal")])
            values += _texts(item.get("who_does_what"))
    return sorted({v.strip() for v in values if v and v.strip()}, key=len, reverse=True)


def leaks(text: str, values: list[str]) -> list[str]:
    """The values found in *text*, case-insensitively and as whole words."""
    found = []
    for value in values:
        pattern = rf"(?<![^\W_]){re.escape(value)}(?![^\W_])"
        if re.search(pattern, text, re.IGNORECASE):
            found.append(value)
    return found


def ical_unescaped(calendar: Calendar) -> str:
    """Every property value of every component, as decoded text."""
    parts = []
    for component in calendar.walk():
        for name, value in component.property_items(recursive=False):
            parts.append(f"{name}:{value}")
            params = getattr(value, "params", None)
            if params:
                parts.extend(f"{k}={v}" for k, v in params.items())
        for name in ("ATTENDEE", "ORGANIZER", "LOCATION", "SUMMARY", "DESCRIPTION"):
            values = component.get(name)
            for value in values if isinstance(values, list) else [values]:
                if value is not None:
                    parts.append(str(value))
    return "\n".join(parts)


def sample_meetings() -> list[tuple[Path, int]]:
    cases = []
    for path in SAMPLES:
        data = json.loads(path.read_text(encoding="utf-8"))
        for number, meeting in enumerate(data.get("meetings", []), start=1):
            if meeting.get("start_time"):
                cases.append((path, number))
    return cases


def test_there_are_samples_with_meetings() -> None:
    assert sample_meetings(), "no sample plan has a meeting with a start time"


@pytest.mark.parametrize(
    ("sample", "number"),
    sample_meetings(),
    ids=lambda v: v.parent.name + "/" + v.stem if isinstance(v, Path) else str(v),
)
def test_no_personal_data_in_any_invitation(sample: Path, number: int) -> None:
    data = json.loads(sample.read_text(encoding="utf-8"))
    values = personal_values(data)
    plan = plan_from_json(sample.read_bytes())
    problems = []
    for pack in BUILTIN_PACKS:
        ics = invite(plan, number, pack)
        calendar = parse(ics)
        for label, text in (
            ("raw", ics.decode("utf-8")),
            ("unfolded", unfolded(ics)),
            ("unescaped", unfolded(ics).replace("\\,", ",").replace("\\;", ";")),
            ("unescaped newlines", unfolded(ics).replace("\\n", "\n").replace("\\,", ",")),
            ("parsed", ical_unescaped(calendar)),
        ):
            found = leaks(text, values)
            if found:
                problems.append(f"{pack} {label}: {found}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_attendees_are_professionals_without_names(sample: Path) -> None:
    plan = plan_from_json(sample.read_bytes())
    family_mail = {
        (p.email or "").lower()
        for m in plan.meetings
        for p in m.participants
        if p.member is not None and p.email
    } | {(m.email or "").lower() for m in plan.family.members if m.email}
    for number, meeting in enumerate(plan.meetings, start=1):
        if meeting.start_time is None:
            continue
        event = parse(invite(plan, number)).events[0]
        attendees = event.get("ATTENDEE", [])
        attendees = attendees if isinstance(attendees, list) else [attendees]
        for attendee in attendees:
            assert "CN" not in attendee.params
            assert attendee.params["RSVP"] == "TRUE"
            assert str(attendee).lower().removeprefix("mailto:") not in family_mail
        lead = plan.lead_coordinator()
        if lead.email:
            organizer = event["ORGANIZER"]
            assert str(organizer) == f"mailto:{lead.email}"
            assert organizer.params["CN"] == lead.name


def test_round_trip_and_structure(tiny: dict[str, Any]) -> None:
    tiny["coordinators"][0]["email"] = "karin@testrup.example"
    tiny["meetings"][0]["participants"].append(
        {"name": "Lærer Lis", "organization": "Testrup Skole", "email": "lis@skole.example"}
    )
    tiny["meetings"][0]["place"] = "Rådhuset, mødelokale 3"
    tiny["meetings"][0]["address"] = "Torvet 1\n9999 Testrup"
    ics = invite(tiny)
    calendar = parse(ics)
    assert Calendar.from_ical(calendar.to_ical()) == calendar
    assert calendar["VERSION"] == "2.0"
    assert calendar["METHOD"] == "REQUEST"
    assert len(calendar.events) == 1
    assert [tz.tz_name for tz in calendar.timezones] == ["Europe/Copenhagen"]
    assert not calendar.get_missing_tzids()
    event = calendar.events[0]
    assert event.start == datetime(2026, 12, 10, 9, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert event.end == datetime(2026, 12, 10, 11, tzinfo=ZoneInfo("Europe/Copenhagen"))
    assert "TZID=Europe/Copenhagen:20261210T090000" in unfolded(ics)
    assert str(event["LOCATION"]) == "Rådhuset, mødelokale 3, Torvet 1, 9999 Testrup"
    assert event["DTSTAMP"].dt == NOW
    assert str(event["SUMMARY"]) == "Netværksmøde – Familiens Fremtid"
    assert "Testrup Kommune" in str(event["DESCRIPTION"])
    assert str(event["UID"]).endswith("@familyplan-docs")
    assert str(event["ATTENDEE"]) == "mailto:lis@skole.example"
    assert ics.endswith(b"\r\n")
    assert all(len(line) <= 75 for line in ics.split(b"\r\n"))


@pytest.mark.parametrize(
    ("pack", "summary"),
    [("da", "Netværksmøde"), ("nl", "Netwerkberaad"), ("sv", "Nätverksmöte")],
)
def test_summary_in_the_packs_language(tiny: dict[str, Any], pack: str, summary: str) -> None:
    event = parse(invite(tiny, pack=pack)).events[0]
    assert str(event["SUMMARY"]) == f"{summary} – Familiens Fremtid"


@pytest.mark.parametrize("pack", BUILTIN_PACKS)
def test_catalog_entries_translated(pack: str) -> None:
    catalog = load_pack(pack).catalog
    assert [m for m in MSGIDS if m not in catalog] == []


@pytest.mark.parametrize(
    ("day", "hour", "offset"),
    [
        (date(2027, 3, 28), 9, timedelta(hours=2)),  # the morning summer time begins
        (date(2027, 3, 27), 9, timedelta(hours=1)),
        (date(2026, 10, 25), 9, timedelta(hours=1)),  # the morning summer time ends
        (date(2026, 10, 24), 9, timedelta(hours=2)),
    ],
)
def test_time_zone_across_daylight_saving(
    tiny: dict[str, Any], day: date, hour: int, offset: timedelta
) -> None:
    tiny["meetings"][0].update(date=day.isoformat(), start_time=f"{hour:02d}:00")
    calendar = parse(invite(tiny))
    start = calendar.events[0].start
    zone = ZoneInfo("Europe/Copenhagen")
    expected = datetime(day.year, day.month, day.day, hour, tzinfo=zone)
    assert start.utcoffset() == expected.utcoffset() == offset
    assert start.astimezone(UTC) == expected.astimezone(UTC)
    # the VTIMEZONE in the file says the same, for clients that do not know the zone name
    (vtimezone,) = calendar.timezones
    own_zone = vtimezone.to_tz()
    assert start.replace(tzinfo=None).replace(tzinfo=own_zone).utcoffset() == offset


def test_duration_is_real_time_across_the_change(tiny: dict[str, Any]) -> None:
    meeting = tiny["meetings"][0]
    meeting.update(date="2027-03-28", start_time="01:00", end_time=None)
    meeting["agenda"] = [{"title": "a", "minutes": 120}, {"title": "b", "minutes": 60}]
    event = parse(invite(tiny)).events[0]
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(hours=3)
    assert event.end.time() == time(5, 0)  # 01:00 CET + 3 h = 05:00 CEST


def test_duration_from_agenda_then_default(tiny: dict[str, Any]) -> None:
    meeting = tiny["meetings"][0]
    meeting["end_time"] = None
    meeting["agenda"] = [{"title": "a", "minutes": 20}, {"title": "b", "minutes": 70}]
    event = parse(invite(tiny)).events[0]
    assert event.end - event.start == timedelta(minutes=90)
    meeting["agenda"] = [{"title": "a"}]
    event = parse(invite(tiny)).events[0]
    assert event.end - event.start == DEFAULT_DURATION == timedelta(hours=2)


def test_other_time_zone(tiny: dict[str, Any]) -> None:
    tiny["organization"]["timezone"] = "Europe/Amsterdam"
    ics = invite(tiny)
    assert "TZID=Europe/Amsterdam:" in unfolded(ics)
    assert [tz.tz_name for tz in parse(ics).timezones] == ["Europe/Amsterdam"]


@pytest.mark.parametrize("number", [0, 2, -1, 99])
def test_bad_meeting_number(tiny: dict[str, Any], number: int) -> None:
    with pytest.raises(InputError) as caught:
        invite(tiny, number)
    assert caught.value.problems[0].place == "--meeting"
    assert "1 to 1" in str(caught.value)


def test_plan_without_meetings(tiny: dict[str, Any]) -> None:
    tiny["meetings"] = []
    with pytest.raises(InputError, match="no meetings"):
        invite(tiny, 1)


def test_meeting_without_start_time(tiny: dict[str, Any]) -> None:
    tiny["meetings"].append({"kind": "follow_up", "date": "2027-02-01"})
    with pytest.raises(InputError) as caught:
        invite(tiny, 2)
    assert caught.value.problems[0].place == "$.meetings[1].start_time"


def test_end_before_start(tiny: dict[str, Any]) -> None:
    tiny["meetings"][0].update(start_time="11:00", end_time="10:00")
    with pytest.raises(InputError) as caught:
        invite(tiny)
    assert caught.value.problems[0].place == "$.meetings[0].end_time"


def test_unknown_time_zone(tiny: dict[str, Any]) -> None:
    tiny["organization"]["timezone"] = "Europe/Atlantis"
    with pytest.raises(InputError) as caught:
        invite(tiny)
    assert caught.value.problems[0].place == "$.organization.timezone"


def test_uid_is_stable_and_anonymous(tiny: dict[str, Any]) -> None:
    tiny["family"]["members"][0]["national_id"] = "010190-1232"  # hypothetical, valid checksum
    tiny["meetings"].append(dict(tiny["meetings"][0], date="2027-01-20"))
    first = str(parse(invite(tiny, 1)).events[0]["UID"])
    second = str(parse(invite(tiny, 2)).events[0]["UID"])
    assert first != second
    assert first == str(parse(invite(tiny, 1)).events[0]["UID"])
    tiny["meetings"][0]["date"] = "2026-12-11"  # a moved meeting keeps its UID (an update)
    tiny["goals"].append({"goal": "new goal"})
    assert first == str(parse(invite(tiny, 1)).events[0]["UID"])
    assert re.fullmatch(r"[0-9a-f]{32}@familyplan-docs", first)


def test_personal_place_address_and_addresses_are_left_out(tiny: dict[str, Any]) -> None:
    tiny["coordinators"][0]["email"] = "karin@testrup.example"
    tiny["family"]["address"] = "Lindevej 7, 1. tv.\n9999 Testrup"
    tiny["supporter"] = {"name": "Gitte Gran", "email": "gitte@mail.example"}
    tiny["family"]["members"][0]["email"] = "anna@mail.example"
    meeting = tiny["meetings"][0]
    meeting.update(place="Hos familien Test", address="Lindevej 7, 1. tv.\n9999 Testrup")
    meeting["participants"] += [
        {"name": "Gitte Gran", "function": "Bisidder", "email": "gitte@mail.example"},
        {"name": "Mormor", "email": "mormor@mail.example"},  # the personal network
        {"name": "Per Test", "organization": "Skolen", "email": "per.test@skole.example"},
        {"name": "Lis Lærer", "organization": "Skolen", "email": "lis@skole.example"},
    ]
    event = parse(invite(tiny)).events[0]
    assert "LOCATION" not in event
    attendees = event["ATTENDEE"]
    assert str(attendees) == "mailto:lis@skole.example"
    plan = plan_from_json(json.dumps(tiny))
    assert not_invited(plan, 1) == ["Anna Test", "Gitte Gran", "Mormor", "Per Test"]


def test_family_member_with_same_name_as_coordinator_hides_the_cn(tiny: dict[str, Any]) -> None:
    tiny["coordinators"][0].update(name="Karin Test", email="karin@testrup.example")
    organizer = parse(invite(tiny)).events[0]["ORGANIZER"]
    assert str(organizer) == "mailto:karin@testrup.example"
    assert "CN" not in organizer.params


def test_without_an_organizer_the_calendar_schedules_nothing(tiny: dict[str, Any]) -> None:
    tiny["meetings"][0]["participants"].append(
        {"name": "Lis Lærer", "organization": "Skolen", "email": "lis@skole.example"}
    )
    calendar = parse(invite(tiny))
    assert "METHOD" not in calendar  # no iTIP method: RFC 5546 wants an organizer for one
    assert "ORGANIZER" not in calendar.events[0]
    assert "ATTENDEE" not in calendar.events[0]  # RFC 5545: attendees need an organizer
    plan = plan_from_json(json.dumps(tiny))
    assert not_invited(plan, 1) == ["Anna Test", "Lis Lærer"]


def test_the_organizations_address_organizes_when_the_coordinator_has_none(
    tiny: dict[str, Any],
) -> None:
    tiny["organization"]["email"] = "familie@testrup.example"
    tiny["meetings"][0]["participants"].append(
        {"name": "Lis Lærer", "organization": "Skolen", "email": "lis@skole.example"}
    )
    calendar = parse(invite(tiny))
    assert calendar["METHOD"] == "REQUEST"
    organizer = calendar.events[0]["ORGANIZER"]
    assert str(organizer) == "mailto:familie@testrup.example"
    assert "CN" not in organizer.params
    assert str(calendar.events[0]["ATTENDEE"]) == "mailto:lis@skole.example"


def test_an_organizer_without_attendees_publishes(tiny: dict[str, Any]) -> None:
    tiny["coordinators"][0]["email"] = "karin@testrup.example"
    calendar = parse(invite(tiny))
    assert calendar["METHOD"] == "PUBLISH"  # RFC 5546 3.2.2: a REQUEST needs an attendee
    assert "ATTENDEE" not in calendar.events[0]
    assert str(calendar.events[0]["ORGANIZER"]) == "mailto:karin@testrup.example"


def test_a_request_always_has_an_attendee_in_every_sample() -> None:
    for sample, number in sample_meetings():
        plan = plan_from_json(sample.read_bytes())
        calendar = parse(meeting_invitation(plan, number, load_pack("da"), now=NOW))
        if calendar.get("METHOD") == "REQUEST":
            assert calendar.events[0].get("ATTENDEE"), (sample.name, number)
        if calendar.get("METHOD") == "PUBLISH":
            assert "ATTENDEE" not in calendar.events[0]


def test_a_meeting_over_the_autumn_change_lasts_what_it_says(tiny: dict[str, Any]) -> None:
    meeting = tiny["meetings"][0]  # 01:30 + 120 minutes: the clock says 02:30 the 2nd time
    meeting.update(date="2026-10-25", start_time="01:30", end_time=None)
    meeting["agenda"] = [{"title": "a", "minutes": 120}]
    ics = invite(tiny)
    event = parse(ics).events[0]
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(minutes=120)
    assert "DTEND:20261025T013000Z" in unfolded(ics)  # 02:30 CET, not read as 02:30 CEST
    meeting.update(end_time="03:30")  # 01:30 CEST to 03:30 CET: three hours
    event = parse(invite(tiny)).events[0]
    assert event.end.astimezone(UTC) - event.start.astimezone(UTC) == timedelta(hours=3)


def test_a_start_given_in_utc_is_local_time_in_the_calendar(tiny: dict[str, Any]) -> None:
    tiny["meetings"][0].update(date="2026-12-10", start_time="08:00:00Z", end_time="10:00:00Z")
    ics = invite(tiny)
    assert "DTSTART;TZID=Europe/Copenhagen:20261210T090000" in unfolded(ics)
    event = parse(ics).events[0]
    assert event.end.astimezone(UTC) == datetime(2026, 12, 10, 10, tzinfo=UTC)


@pytest.mark.parametrize("day", ["0001-01-01", "0001-01-02", "9999-12-31", "9999-12-30"])
@pytest.mark.parametrize("start", ["00:10", "09:00", "21:30"])
def test_any_date_the_model_allows_gets_an_invitation(
    tiny: dict[str, Any], day: str, start: str
) -> None:
    tiny["meetings"][0].update(date=day, start_time=start, end_time=None, agenda=[])
    calendar = parse(invite(tiny))
    event = calendar.events[0]
    local = event.start.astimezone(ZoneInfo("Europe/Copenhagen"))
    assert (local.date().isoformat(), local.time()) == (day, time.fromisoformat(start))
    assert event.end - event.start == DEFAULT_DURATION
    # the time zone is described, or (in the last months of year 9999) the times are UTC
    assert calendar.timezones or event.start.utcoffset() == timedelta(0)


def test_a_meeting_that_would_end_after_year_9999_is_refused(tiny: dict[str, Any]) -> None:
    tiny["meetings"][0].update(date="9999-12-31", start_time="23:30", end_time=None, agenda=[])
    with pytest.raises(InputError) as caught:
        invite(tiny)
    assert [p.place for p in caught.value.problems] == ["$.meetings[0].start_time"]
    assert "after 31 December 9999" in caught.value.problems[0].message


def test_the_search_finds_a_planted_value(monkeypatch: pytest.MonkeyPatch) -> None:
    """The leak search itself works: a name and an ID planted in the summary are found."""
    sample = next(p for p, _ in sample_meetings())
    data = json.loads(sample.read_text(encoding="utf-8"))
    member = next(m for m in data["family"]["members"] if m.get("national_id"))
    planted = f"{{kind}} {member['first_name']} {member['national_id']} " + "x" * 80
    monkeypatch.setattr(type(load_pack("da")), "gettext", lambda self, msgid: planted)
    plan = plan_from_json(sample.read_bytes())
    ics = meeting_invitation(plan, sample_meetings()[0][1], load_pack("da"), now=NOW)
    found = leaks(unfolded(ics), personal_values(data))
    assert member["first_name"] in found
    assert member["national_id"] in found


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_thunderbirds_parser_reads_what_python_reads(tiny: dict[str, Any]) -> None:
    """ical.js (Thunderbird) reads the same times, lengths and scheduling as icalendar."""
    files = [
        meeting_invitation(plan_from_json(s.read_bytes()), n, load_pack("da"), now=NOW)
        for s, n in sample_meetings()
    ]
    tiny["coordinators"][0]["email"] = "karin@testrup.example"
    for day, start, end in [
        ("2026-10-25", "01:30", None),  # over the autumn change: 120 minutes
        ("2027-03-28", "01:30", "04:00"),  # over the spring change: 90 minutes
        ("2026-12-10", "08:00:00Z", "10:00:00Z"),
        ("9999-12-30", "09:00", None),
    ]:
        tiny["meetings"][0].update(date=day, start_time=start, end_time=end, agenda=[])
        files.append(invite(tiny))
    for ics, read in zip(files, ical_js_read(files), strict=True):
        calendar = parse(ics)
        event = calendar.events[0]
        assert "error" not in read, read
        assert (read["start"], read["end"]) == (_utc(event.start), _utc(event.end))
        real = event.end.astimezone(UTC) - event.start.astimezone(UTC)
        assert read["minutes"] == real.total_seconds() / 60
        assert read["method"] == calendar.get("METHOD")
        attendees = event.get("ATTENDEE", [])
        assert read["attendees"] == len(attendees if isinstance(attendees, list) else [attendees])
    assert [r["minutes"] for r in ical_js_read(files[-4:])] == [120, 90, 120, 120]

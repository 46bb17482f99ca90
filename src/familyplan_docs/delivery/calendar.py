"""Calendar invitations (.ics, RFC 5545) for a plan's meetings, free of personal data.

The invitation is what a coordinator sends through Outlook or any calendar: the meeting's
kind and the municipality's programme, when (in the municipality's time zone, with its
``VTIMEZONE``), where, the organizer (the lead coordinator) and the participants' e-mail
addresses. It never holds the family's name, a child's name, an ID number, or anything about
the case: no agenda item titles, no notes. Family members are never listed as attendees (the
coordinator sends them the invitation directly), attendees carry no names, and any place,
address or e-mail address that contains one of the family's personal values (a name, the
home address, a phone number …) is left out.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from icalendar import vCalAddress

from .._errors import InputError, Problem
from .._text import norm
from ..model.plan import FamilyPlan, Meeting, NetworkGroup, Participant
from ..packs.labels import label_id
from ..packs.pack import Pack

MSGIDS: tuple[str, ...] = ("calendar.summary", "calendar.description")
"""Catalog ids of the invitation. Both may use ``{kind}`` (the meeting kind's label),
``{programme}`` (the offer's name, else the organization's), ``{organization}`` and ``{offer}``
(programme and organization together, e.g. ``Familiens Vej, Egesø Kommune``)."""

PRODID = "-//familyplan-docs//familyplan-docs//EN"
DEFAULT_DURATION = timedelta(hours=2)
"""The length of a meeting that has neither an end time nor agenda time frames."""

_TZ_MARGIN_DAYS = 366
_SOURCE = "plan"


def meeting_invitation(
    plan: FamilyPlan, meeting: int, pack: Pack, *, now: datetime | None = None
) -> bytes:
    """Return an RFC 5545 calendar (one ``VEVENT``) inviting to meeting number *meeting*.

    *meeting* is 1-based, in the order of ``plan.meetings``; *now* (default: the current
    time) is the ``DTSTAMP``. Raises :class:`InputError` for a meeting number the plan does
    not have, a meeting without a start time or an end before its start, or an unknown time
    zone, naming the place.
    """
    from icalendar import Calendar, Event, vCalAddress  # only the invite command needs it

    index = _meeting_index(plan, meeting)
    chosen = plan.meetings[index]
    tz = _zone(plan)
    start, end = _times(chosen, index, tz)
    guard = _PersonalGuard(plan)
    organizer, attendees, _ = _people(plan, chosen, guard)

    kind = pack.gettext(label_id(chosen.kind))
    organization = guard.clean(plan.organization.name) or ""
    programme = guard.clean(plan.organization.programme) or organization
    offer = ", ".join(dict.fromkeys(p for p in (programme, organization) if p))
    values = {"kind": kind, "programme": programme, "organization": organization, "offer": offer}

    event = Event()
    event.add("uid", _uid(plan, index))
    event.add("dtstamp", (now or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", _unambiguous(start))
    event.add("dtend", _unambiguous(end))
    event.add("summary", pack.format("calendar.summary", values))
    event.add("description", pack.format("calendar.description", values))
    location = ", ".join(
        _one_line(part) for part in (guard.clean(chosen.place), guard.clean(chosen.address)) if part
    )
    if location:
        event.add("location", location)
    event.add("class", "PRIVATE")
    event.add("transp", "OPAQUE")
    event.add("sequence", 0)
    event.add("status", "CONFIRMED")

    if organizer is not None:
        event.add("organizer", organizer)
    for address in attendees:
        attendee = vCalAddress(f"mailto:{address}")
        attendee.params["CUTYPE"] = "INDIVIDUAL"
        attendee.params["ROLE"] = "REQ-PARTICIPANT"
        attendee.params["PARTSTAT"] = "NEEDS-ACTION"
        attendee.params["RSVP"] = "TRUE"
        event.add("attendee", attendee, encode=False)

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    method = _method(organizer, attendees)
    if method:
        calendar.add("method", method)
    calendar.add_component(event)
    try:
        calendar.add_missing_timezones(
            first_date=_days_from(start.date(), -_TZ_MARGIN_DAYS),
            last_date=_days_from(end.date(), _TZ_MARGIN_DAYS),
        )
    except OverflowError:
        # icalendar cannot describe the time zone in the last months before year 10000:
        # there the times are written in UTC, which needs no VTIMEZONE
        for name, moment in (("dtstart", start), ("dtend", end)):
            event.pop(name)
            event.add(name, moment.astimezone(UTC))
    data: bytes = calendar.to_ical()
    return data


def _method(organizer: vCalAddress | None, attendees: list[str]) -> str | None:
    """The iTIP method (RFC 5546): REQUEST invites attendees and needs one at least;
    PUBLISH shows an event and has none; without an organizer there is no scheduling
    at all, so no method (a plain RFC 5545 calendar)."""
    if organizer is None:
        return None
    return "REQUEST" if attendees else "PUBLISH"


def _days_from(day: date, days: int) -> date:
    """*day* moved by *days*, kept within the years 1 to 9999."""
    ordinal = day.toordinal() + days
    return date.fromordinal(min(max(ordinal, 1), date.max.toordinal()))


def _unambiguous(moment: datetime) -> datetime:
    """*moment* as a calendar writes it: in the time zone, unless its local time happens
    twice (the hour repeated when summer time ends) and it is the second one, which a
    reader of the local time would take for the first (RFC 5545, 3.3.5): then in UTC."""
    if moment.fold and moment.replace(fold=0).utcoffset() != moment.utcoffset():
        return moment.astimezone(UTC)
    return moment


def _meeting_index(plan: FamilyPlan, meeting: int) -> int:
    count = len(plan.meetings)
    if isinstance(meeting, bool) or not isinstance(meeting, int) or not 1 <= meeting <= count:
        if count == 0:
            message = f"there is no meeting {meeting!r}: the plan has no meetings"
        else:
            message = (
                f"there is no meeting {meeting!r}: the plan has {count} meeting(s), "
                f"numbered 1 to {count}"
            )
        raise InputError(_SOURCE, [Problem("--meeting", message)])
    return meeting - 1


def _zone(plan: FamilyPlan) -> ZoneInfo:
    name = plan.organization.timezone
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            _SOURCE,
            [
                Problem(
                    "$.organization.timezone",
                    f"unknown time zone {name!r}; use an IANA name such as 'Europe/Copenhagen', "
                    "'Europe/Amsterdam' or 'Europe/Stockholm'",
                )
            ],
        ) from None


def _times(meeting: Meeting, index: int, tz: ZoneInfo) -> tuple[datetime, datetime]:
    place = f"$.meetings[{index}]"
    if meeting.start_time is None:
        raise InputError(
            _SOURCE,
            [
                Problem(
                    f"{place}.start_time", "the meeting has no start time; an invitation needs one"
                )
            ],
        )
    # the plan's times are local times of the municipality (FamilyPlan converts the others)
    start = datetime.combine(meeting.date, meeting.start_time.replace(tzinfo=None), tzinfo=tz)
    if meeting.end_time is not None:
        end = datetime.combine(meeting.date, meeting.end_time.replace(tzinfo=None), tzinfo=tz)
        if end.timestamp() <= start.timestamp():  # real time, across a daylight-saving change
            raise InputError(
                _SOURCE,
                [Problem(f"{place}.end_time", "the meeting ends before it starts")],
            )
        return start, end
    minutes = sum(item.minutes or 0 for item in meeting.agenda)
    duration = timedelta(minutes=minutes) if minutes else DEFAULT_DURATION
    # add in real time so that a meeting across a daylight-saving change keeps its length
    try:
        return start, (start.astimezone(UTC) + duration).astimezone(tz)
    except OverflowError:  # within hours of year 1 or 9999 there is no UTC to count in
        pass
    try:
        return start, start + duration
    except OverflowError:
        raise InputError(
            _SOURCE,
            [
                Problem(
                    f"{place}.start_time",
                    "the meeting would end after 31 December 9999, the last day a calendar "
                    "holds; give it an end time",
                )
            ],
        ) from None


def _uid(plan: FamilyPlan, index: int) -> str:
    # Stable for the same family and meeting number while the plan's content changes, so a
    # re-sent invitation updates the event; the digest does not reveal what went into it.
    key = json.dumps(
        [
            "familyplan-docs/invitation/1",
            plan.country.value,
            plan.organization.name,
            plan.family.name,
            [(m.id, m.first_name, m.last_name, str(m.birth_date)) for m in plan.family.members],
            index,
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32] + "@familyplan-docs"


def _organizer(plan: FamilyPlan, guard: _PersonalGuard) -> vCalAddress | None:
    """The lead coordinator, else the organization's own address (it holds no one's name)."""
    coordinator = plan.lead_coordinator()
    email = guard.clean(coordinator.email)
    name = guard.clean(coordinator.name) if email else None
    if not email:
        email = guard.clean(plan.organization.email)
    if not email:
        return None
    from icalendar import vCalAddress, vText

    organizer = vCalAddress(f"mailto:{email}")
    if name:
        organizer.params["CN"] = vText(name.replace('"', "'"))
    organizer.params["ROLE"] = "CHAIR"
    return organizer


def _people(
    plan: FamilyPlan, meeting: Meeting, guard: _PersonalGuard
) -> tuple[vCalAddress | None, list[str], list[str]]:
    """The organizer, the attendees' addresses, and the participants the file does not reach.

    Without an organizer a calendar may not list attendees (RFC 5545, 3.8.4.1), so then
    every participant is one the coordinator invites another way.
    """
    organizer = _organizer(plan, guard)
    seen = {str(organizer).removeprefix("mailto:").lower()} if organizer is not None else set()
    attendees: list[str] = []
    missed: list[str] = []
    for participant in meeting.participants:
        address = _attendee_address(participant, guard) if organizer is not None else None
        if address is None:
            missed.append(participant.name)
        elif address.lower() not in seen:
            seen.add(address.lower())
            attendees.append(address)
    return organizer, attendees, missed


def not_invited(plan: FamilyPlan, meeting: int) -> list[str]:
    """Return the names of *meeting*'s participants the invitation does not reach.

    These are the family, its supporter and personal network, anyone without an e-mail
    address, and anyone whose address holds a personal value of the family. The coordinator
    sends them the invitation (or the agenda) another way; the names are for the coordinator
    only and never go into the .ics file.
    """
    chosen = plan.meetings[_meeting_index(plan, meeting)]
    return _people(plan, chosen, _PersonalGuard(plan))[2]


def _attendee_address(participant: Participant, guard: _PersonalGuard) -> str | None:
    if participant.member is not None or guard.is_personal_contact(participant.name):
        return None
    return guard.clean(participant.email)


def _one_line(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    return ", ".join(line for line in lines if line)


class _PersonalGuard:
    """Knows the family's personal values and refuses text that contains one of them.

    A value counts where it stands as whole words: not joined to a letter or digit on
    either side, in any case. The values are kept in a set, so a text is checked in time
    that grows with its length, however many people the plan holds.
    """

    def __init__(self, plan: FamilyPlan) -> None:
        self._values = {value.lower() for value in _personal_values(plan) if value}
        self._lengths = sorted({len(value) for value in self._values})
        personal = [n for n in plan.network if n.group is NetworkGroup.PERSONAL]
        self._contacts = {norm(n.name) for n in personal}
        if plan.supporter is not None:
            self._contacts.add(norm(plan.supporter.name))

    def contains_personal(self, text: str) -> bool:
        """Return True when *text* holds one of the family's personal values."""
        low = text.lower()
        size = len(low)
        for start in range(size):
            if start and low[start - 1].isalnum():
                continue  # a value does not begin inside a word
            for length in self._lengths:
                end = start + length
                if end > size:
                    break
                if (end == size or not low[end].isalnum()) and low[start:end] in self._values:
                    return True
        return False

    def clean(self, text: str | None) -> str | None:
        """Return *text*, or None when it is empty or holds a personal value."""
        if not text or not text.strip() or self.contains_personal(text):
            return None
        return text.strip()

    def is_personal_contact(self, name: str) -> bool:
        """Return True for the supporter and the family's personal network."""
        return norm(name) in self._contacts


def _personal_values(plan: FamilyPlan) -> Iterator[str]:
    family = plan.family
    yield from _words(family.name)
    if family.address:
        yield from _address_values(family.address)
    for member in family.members:
        yield from _words(member.first_name, member.last_name)
        if member.national_id is not None:
            raw = member.national_id.reveal()
            yield raw
            yield member.national_id.formatted(plan.country)
        yield from _contact_values(member.phone, member.email)
    for meeting in plan.meetings:
        for participant in meeting.participants:
            if participant.member is not None:
                yield from _words(participant.name)
                yield from _contact_values(participant.phone, participant.email)
    people = [n for n in plan.network if n.group is NetworkGroup.PERSONAL]
    for person in people:
        yield from _words(person.name)
        yield from _contact_values(person.phone, person.email)
    if plan.supporter is not None:
        yield from _words(plan.supporter.name)
        yield from _contact_values(plan.supporter.phone, plan.supporter.email)


_GENERIC_WORDS = frozenset(
    """familien familie familiens family the gezin het familjen familj familjens og och en und
    and van de der den ter ten te von af du da dos das del della di la le el al bin ibn""".split()  # noqa: SIM905
)
"""Words of a name that identify nobody: a family name's "Familien", Dutch "van der"."""


def _words(*names: str | None) -> Iterator[str]:
    for name in names:
        if not name:
            continue
        yield name.strip()
        for word in re.split(r"[\s,/()-]+", name):
            word = word.strip(".-'’")
            if len(word) >= 2 and word.casefold() not in _GENERIC_WORDS:
                yield word


def _address_values(address: str) -> Iterator[str]:
    # the whole address and its first line (street and number); a postcode and town alone
    # are not personal, and would wrongly hide a town hall's address in the same town
    yield " ".join(address.split())
    first = re.split(r"[\n,]+", address.strip(), maxsplit=1)[0].strip()
    if first:
        yield first


def _contact_values(phone: str | None, email: str | None) -> Iterator[str]:
    if phone and sum(ch.isdigit() for ch in phone) >= 6:
        yield phone.strip()
        yield "".join(ch for ch in phone if ch.isdigit())
    if email:
        yield email.strip()
        yield email.split("@", 1)[0]

"""The closed sets of the model: enums whose values are stable English ids.

The packs' catalogs translate them (msgid ``<set>.<value>``, see ``packs.labels.LABELLED_ENUMS``).
"""

from __future__ import annotations

from enum import StrEnum


class MemberRole(StrEnum):
    """A family member's place in the family."""

    PARENT = "parent"
    OTHER_ADULT = "other_adult"
    CHILD = "child"


class DirectionHolder(StrEnum):
    """Who holds direction of the plan, after the self-reliance assessment."""

    FAMILY = "family"
    PROFESSIONAL = "professional"


class NetworkGroup(StrEnum):
    """The three groups of the family's network in the plan."""

    MUNICIPAL = "municipal"
    EXTERNAL = "external"
    PERSONAL = "personal"


class MapSector(StrEnum):
    """The four sectors of the network map."""

    FAMILY = "family"
    FRIENDS = "friends"
    SCHOOL_WORK = "school_work"
    PROFESSIONALS = "professionals"


class Closeness(StrEnum):
    """How close a network member stands to the family on the network map (ring)."""

    CLOSE = "close"
    MIDDLE = "middle"
    DISTANT = "distant"


class GoalStatus(StrEnum):
    """Where a goal of the family stands."""

    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    REACHED = "reached"
    CHANGED = "changed"
    DROPPED = "dropped"


class AgreementStatus(StrEnum):
    """Where an agreement stands."""

    OPEN = "open"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    OVERDUE = "overdue"
    CANCELLED = "cancelled"


class MeetingKind(StrEnum):
    """The kinds of meeting in the process, from first call to follow-up."""

    PHONE = "phone"
    SCREENING = "screening"
    INTRODUCTION = "introduction"
    PREPARATION = "preparation"
    PRE_MEETING = "pre_meeting"
    NETWORK = "network"
    FAMILY_GROUP_CONFERENCE = "family_group_conference"
    AFTER_MEETING = "after_meeting"
    FOLLOW_UP = "follow_up"


class ConsentKind(StrEnum):
    """The two consent declarations of the toolbox."""

    DATA_COLLECTION = "data_collection"
    INFORMATION_SHARING = "information_sharing"


class DataSource(StrEnum):
    """Where absence and grades may be collected from (data-collection consent)."""

    SCHOOL = "school"
    INSTITUTION = "institution"


class Phase(StrEnum):
    """The phases of the process plan."""

    REFERRAL = "referral"
    TRUST_BUILDING = "trust_building"
    ASSESSMENT = "assessment"
    PLAN_1 = "plan_1"
    PLAN_2 = "plan_2"
    FOLLOW_UP = "follow_up"
    EXIT = "exit"


class ChecklistStep(StrEnum):
    """The steps of the meeting script, in order."""

    LETTER_AND_FLYER = "letter_and_flyer"
    BOOK_MEETING_1 = "book_meeting_1"
    ROOM_MEETING_1 = "room_meeting_1"
    MEETING_1 = "meeting_1"
    ROOM_MEETING_2_AND_NETWORK = "room_meeting_2_and_network"
    INVITATION_SENT = "invitation_sent"
    MEETING_2 = "meeting_2"
    AGENDA_SENT = "agenda_sent"
    PRE_MEETING = "pre_meeting"
    NETWORK_MEETING = "network_meeting"
    AFTER_MEETING = "after_meeting"
    EVALUATION = "evaluation"
    PLAN_SENT = "plan_sent"


class SignerRole(StrEnum):
    """In what capacity someone signs a consent: for children in their custody, as a child
    who signs (or may sign) for their own data, or as an adult for their own data."""

    CUSTODIAN = "custodian"
    CHILD = "child"
    ADULT = "adult"


class ServicesPosition(StrEnum):
    """Social services' position on the plan a family made at a family group conference."""

    APPROVED = "approved"
    APPROVED_WITH_CHANGES = "approved_with_changes"
    NOT_APPROVED = "not_approved"

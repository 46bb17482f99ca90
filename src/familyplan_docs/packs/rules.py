"""A pack's consent rules and option lists: the ``[consent]``, ``[consent_sharing]`` and
``[consent_data]`` tables of ``pack.toml``.

``[consent]`` says who signs a consent at which age, in one schema for every country::

    [consent]
    adult_age = 18                     # from this age a person signs alone, for themselves
    custodians = "all"                 # "all": every holder of custody signs; "any": one is enough
    adults_sign_for_themselves = true  # every adult signs a sharing consent for their own data
    national_id_on_consents = true     # consent forms carry ID numbers (else birth dates)
    child_view_from = 6                # a child_view form is made for each child from this age

    [[consent.band]]                   # age bands, ascending, the first from 0
    from_age = 0
    custodians_sign = true
    child = "heard"                    # "heard": does not sign; "may_sign"; "signs"

    [[consent.band]]
    from_age = 15
    custodians_sign = true
    child = "signs"

A band runs from its ``from_age`` to the next band's (the last to ``adult_age``); a band
where custodians do not sign must have ``child = "signs"`` (the young person decides
alone). A member whose age cannot be established on the day counts under the strictest
rule: every custodian signs and the child signs too (fail closed).

``[consent_sharing]`` lists what a sharing consent form prints, every option ticked or not:
``departments`` (the organization's own), ``external`` (outside parties), ``information``
(kinds of information) and ``external_rows_blank`` (empty rows for outside parties on a
form). ``[consent_data]`` lists ``information`` for the data-collection consent.

A pack that ``extends`` another inherits each table and overrides it key by key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from .._errors import PackError, Problem
from ..model.enums import MemberRole, SignerRole

if TYPE_CHECKING:
    from ..model.plan import Consent, FamilyPlan, Member

__all__ = [
    "CHILD_RULES",
    "TABLES",
    "Band",
    "ConsentRules",
    "Need",
    "PackRules",
    "parse_rules",
    "signature_problems",
]

TABLES = ("consent", "consent_sharing", "consent_data")
"""The ``pack.toml`` tables this module reads (kept as they are in the manifest)."""

CHILD_RULES = ("heard", "may_sign", "signs")
"""What a band says of the child: heard only, may sign, must sign."""

_CONSENT_KEYS = {
    "adult_age",
    "custodians",
    "adults_sign_for_themselves",
    "national_id_on_consents",
    "child_view_from",
    "band",
}
_LIST_KEYS = {
    "consent_sharing": {"departments", "external", "information", "external_rows_blank"},
    "consent_data": {"information"},
}


@dataclass(frozen=True)
class Band:
    """One age band: from ``from_age`` up to (not including) ``to_age``."""

    from_age: int
    to_age: int
    custodians_sign: bool
    child: str

    @property
    def rule(self) -> str:
        """``heard``, ``may_sign``, ``signs`` or ``alone`` (the child signs without custodians)."""
        return "alone" if not self.custodians_sign else self.child


@dataclass(frozen=True)
class Need:
    """One signature a consent needs: a custodian for a child, a child, or an adult.

    ``members`` are the ones who can give it: one id, several when any one custodian is
    enough, none when nobody is recorded as holding custody of the child.
    """

    kind: SignerRole
    members: tuple[str, ...]
    child: str | None = None
    optional: bool = False
    age_unknown: bool = False

    def met(self, consent: Consent, on: date) -> bool:
        """Whether one of :attr:`members` signed *consent* on or before *on*."""
        return any(consent.signed_by(m, on) for m in self.members)


@dataclass(frozen=True)
class ConsentRules:
    """Who signs a consent at which age (the ``[consent]`` table)."""

    adult_age: int = 18
    custodians: str = "all"
    adults_sign_for_themselves: bool = True
    national_id_on_consents: bool = True
    child_view_from: int = 6
    bands: tuple[Band, ...] = (Band(0, 18, True, "heard"),)

    def band_for(self, age: int) -> Band:
        """The band an age below :attr:`adult_age` falls in."""
        return next(b for b in reversed(self.bands) if age >= b.from_age)

    def rule_for(self, age: int | None) -> str:
        """``unknown``, ``heard``, ``may_sign``, ``signs`` or ``alone`` for a child of *age*."""
        if age is None:
            return "unknown"
        if age >= self.adult_age:
            return "alone"
        return self.band_for(age).rule

    def _first(self, rules: Iterable[str]) -> int:
        wanted = set(rules)
        return next((b.from_age for b in self.bands if b.rule in wanted), self.adult_age)

    @property
    def may_sign_from(self) -> int:
        """The youngest age at which a child signs at all (may or must)."""
        return self._first(("may_sign", "signs", "alone"))

    @property
    def signs_from(self) -> int:
        """The youngest age at which a child must sign."""
        return self._first(("signs", "alone"))

    @property
    def alone_from(self) -> int:
        """The youngest age at which a young person signs without the custodians."""
        return self._first(("alone",))

    def needs(
        self, plan: FamilyPlan, on: date, children: Iterable[str], *, own_data: bool
    ) -> list[Need]:
        """The signatures a consent for *children* needs on *on*, in form order.

        Custodians first (one need per custodian, or one shared need when any one is
        enough), then the adults who sign for their own data (*own_data*, when the pack
        asks it), then the children who sign or may sign. A child whose age is unknown
        needs every custodian and their own signature, flagged ``age_unknown``.
        """
        custodian_needs: list[Need] = []
        child_needs: list[Need] = []
        for ref in dict.fromkeys(children):
            child = plan.member(ref)
            age = child.age_on(on)
            rule = self.rule_for(age)
            unknown = rule == "unknown"
            if unknown or rule in ("heard", "may_sign", "signs"):
                holders = tuple(m.id for m in plan.family.members if ref in m.custody_of)
                if self.custodians == "any" and not unknown and holders:
                    custodian_needs.append(Need(SignerRole.CUSTODIAN, holders, ref))
                else:
                    custodian_needs += [
                        Need(SignerRole.CUSTODIAN, (h,), ref, age_unknown=unknown) for h in holders
                    ] or [Need(SignerRole.CUSTODIAN, (), ref, age_unknown=unknown)]
            if unknown or rule in ("signs", "alone", "may_sign"):
                child_needs.append(
                    Need(SignerRole.CHILD, (ref,), ref, rule == "may_sign", age_unknown=unknown)
                )
        adult_needs: list[Need] = []
        if own_data and self.adults_sign_for_themselves:
            adult_needs = [
                Need(SignerRole.ADULT, (m.id,))
                for m in plan.family.members
                if m.role is not MemberRole.CHILD
            ]
        return [*custodian_needs, *adult_needs, *child_needs]


@dataclass(frozen=True)
class PackRules:
    """Everything of ``[consent]``, ``[consent_sharing]`` and ``[consent_data]``."""

    consent: ConsentRules = field(default_factory=ConsentRules)
    departments: tuple[str, ...] = ()
    external: tuple[str, ...] = ()
    sharing_information: tuple[str, ...] = ()
    external_rows_blank: int = 4
    data_information: tuple[str, ...] = ()


def parse_rules(tables: Mapping[str, Any], where: str) -> PackRules:
    """Check and parse the raw tables (merged through ``extends``); :class:`PackError` names
    the file (*where*) and the key of the first problem."""
    consent = tables.get("consent") or {}
    _no_unknown(consent, _CONSENT_KEYS, where, "consent")
    for name, keys in _LIST_KEYS.items():
        _no_unknown(tables.get(name) or {}, keys, where, name)
    sharing = tables.get("consent_sharing") or {}
    data = tables.get("consent_data") or {}
    return PackRules(
        consent=_consent_rules(consent, where),
        departments=_texts(sharing, "departments", where, "consent_sharing"),
        external=_texts(sharing, "external", where, "consent_sharing"),
        sharing_information=_texts(sharing, "information", where, "consent_sharing"),
        external_rows_blank=_int(sharing, "external_rows_blank", 4, where, "consent_sharing", 20),
        data_information=_texts(data, "information", where, "consent_data"),
    )


def _fail(where: str, table: str, message: str) -> PackError:
    return PackError(f"{where}: [{table}] {message}")


def _no_unknown(table: Mapping[str, Any], known: set[str], where: str, name: str) -> None:
    if not isinstance(table, Mapping):
        raise _fail(where, name, "must be a table")
    unknown = sorted(set(table) - known)
    if unknown:
        raise _fail(
            where, name, f"unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )


def _int(table: Mapping[str, Any], key: str, default: int, where: str, name: str, top: int) -> int:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= top:
        raise _fail(where, name, f"{key} must be a whole number from 0 to {top}")
    return value


def _bool(table: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise _fail(where, "consent", f"{key} must be true or false")
    return value


def _texts(table: Mapping[str, Any], key: str, where: str, name: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise _fail(where, name, f"{key} must be a list of texts")
    if len(value) > 100:
        raise _fail(where, name, f"{key} may hold at most 100 texts")
    return tuple(v.strip() for v in value)


def _consent_rules(table: Mapping[str, Any], where: str) -> ConsentRules:
    adult_age = _int(table, "adult_age", 18, where, "consent", 25)
    if adult_age < 1:
        raise _fail(where, "consent", "adult_age must be at least 1")
    custodians = table.get("custodians", "all")
    if custodians not in ("all", "any"):
        raise _fail(where, "consent", 'custodians must be "all" or "any"')
    raw = table.get("band", [{"from_age": 0, "custodians_sign": True, "child": "heard"}])
    if not isinstance(raw, list) or not raw:
        raise _fail(where, "consent", "needs at least one [[consent.band]]")
    starts: list[int] = []
    parsed: list[tuple[int, bool, str]] = []
    for n, band in enumerate(raw, 1):
        if not isinstance(band, Mapping) or set(band) - {"from_age", "custodians_sign", "child"}:
            raise _fail(
                where, "consent", f"band {n} may hold from_age, custodians_sign and child only"
            )
        start = _int(band, "from_age", -1, where, "consent", adult_age - 1)
        sign = band.get("custodians_sign", True)
        child = band.get("child", "heard")
        if not isinstance(sign, bool) or child not in CHILD_RULES:
            raise _fail(
                where,
                "consent",
                f"band {n}: custodians_sign must be true or false and child one of "
                + ", ".join(CHILD_RULES),
            )
        if not sign and child != "signs":
            raise _fail(
                where,
                "consent",
                f'band {n}: without custodians the child must sign (child = "signs")',
            )
        if (starts and start <= starts[-1]) or (not starts and start != 0):
            raise _fail(where, "consent", "bands must start at from_age = 0 and go up")
        starts.append(start)
        parsed.append((start, sign, child))
    ends = [*starts[1:], adult_age]
    bands = tuple(
        Band(start, end, sign, child)
        for (start, sign, child), end in zip(parsed, ends, strict=True)
    )
    return ConsentRules(
        adult_age=adult_age,
        custodians=custodians,
        adults_sign_for_themselves=_bool(table, "adults_sign_for_themselves", True, where),
        national_id_on_consents=_bool(table, "national_id_on_consents", True, where),
        child_view_from=_int(table, "child_view_from", 6, where, "consent", adult_age),
        bands=bands,
    )


def signature_problems(plan: FamilyPlan, rules: ConsentRules, day: date) -> list[Problem]:
    """Signatures this pack's rules do not allow, each with its JSON path.

    A child signing below the youngest age at which the pack lets children sign (counted
    on the day they signed, else *day*), and an adult signing only for their own data where
    the pack does not ask adults to sign for themselves.
    """
    found: list[Problem] = []
    for i, consent in enumerate(plan.consents):
        for j, sig in enumerate(consent.signatures):
            person: Member = plan.member(sig.member)
            place = f"$.consents[{i}].signatures[{j}].member"
            age = person.age_on(sig.signed_on or day)
            if person.role is MemberRole.CHILD and age is not None:
                if age < rules.may_sign_from:
                    found.append(
                        Problem(
                            place,
                            f"{sig.member!r} is {age} when signing, but in this pack children "
                            f"sign from the age of {rules.may_sign_from}; remove the signature "
                            "(the custodians sign for the child)",
                        )
                    )
            elif (
                person.role is not MemberRole.CHILD
                and not rules.adults_sign_for_themselves
                and not set(person.custody_of) & set(consent.children)
            ):
                found.append(
                    Problem(
                        place,
                        f"{sig.member!r} holds custody of none of the children this consent is "
                        "for, and in this pack adults sign only as custodians",
                    )
                )
    return found

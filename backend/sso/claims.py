"""Reading the federation's claims: plain functions, no database.

SURFconext (and the test provider) send, per person: `sub`, `email`, `given_name`, `family_name`,
`schac_home_organization` ("vista.nl"), `eduperson_affiliation` (["student"], ["employee"],
often with "member" next to it) and for students `schac_personal_unique_code`, e.g.
"urn:schac:personalUniqueCode:nl:local:vista.nl:studentid:123456" (one string or a list).
A provider that sends a plain `student_number` claim instead is understood too.
"""

from dataclasses import dataclass
from typing import Any

STUDENT_AFFILIATIONS = frozenset({"student"})
EMPLOYEE_AFFILIATIONS = frozenset({"employee", "staff", "faculty"})

# urn:schac:personalUniqueCode:<country>:<kind>:<home organisation>:<type>:<code>
_UNIQUE_CODE_PREFIX = "urn:schac:personaluniquecode:"


class Kind:
    STUDENT = "student"
    EMPLOYEE = "employee"


def _values(raw: Any) -> list[str]:
    """A claim that may be one string or a list of strings, as a list of non-empty strings."""
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list | tuple):
        return []
    return [str(item).strip() for item in raw if isinstance(item, str) and item.strip()]


def text(claims: dict[str, Any], name: str) -> str:
    value = claims.get(name)
    return value.strip() if isinstance(value, str) else ""


def home_organisation(claims: dict[str, Any]) -> str:
    values = _values(claims.get("schac_home_organization"))
    return values[0].lower() if values else ""


def affiliations(claims: dict[str, Any]) -> list[str]:
    """Unscoped, lower case: "student@vista.nl" (a scoped value) counts as "student"."""
    return [
        value.split("@", 1)[0].lower() for value in _values(claims.get("eduperson_affiliation"))
    ]


def kind_of(values: list[str]) -> str | None:
    """Student when "student" is among the affiliations, else employee when employee, staff or
    faculty is; None for anything else (affiliate, alum, member alone, ...)."""
    if STUDENT_AFFILIATIONS & set(values):
        return Kind.STUDENT
    if EMPLOYEE_AFFILIATIONS & set(values):
        return Kind.EMPLOYEE
    return None


def student_number(claims: dict[str, Any], *, domain: str) -> str:
    """The student number the school's own identity provider vouches for, or "".

    Only a personal unique code of type "studentid" issued under `domain` counts, so another
    institution's code (or an employee number) never matches this school's records."""
    for code in _values(claims.get("schac_personal_unique_code")):
        if not code.lower().startswith(_UNIQUE_CODE_PREFIX):
            continue
        parts = code.split(":")
        # urn, schac, personalUniqueCode, country, kind, home organisation, type, code
        if len(parts) < 8:
            continue
        organisation, kind, number = parts[5].lower(), parts[6].lower(), ":".join(parts[7:])
        if organisation == domain and kind == "studentid" and number.strip():
            return number.strip()
    plain = claims.get("student_number")
    if isinstance(plain, str | int) and not isinstance(plain, bool) and str(plain).strip():
        return str(plain).strip()
    return ""


@dataclass(frozen=True)
class Person:
    """What Koppel keeps of the claims for linking and the log."""

    subject: str
    email: str
    first_name: str
    last_name: str
    home_organisation: str
    affiliations: tuple[str, ...]

    @property
    def affiliation_text(self) -> str:
        return ",".join(self.affiliations)[:100]


def person_from(claims: dict[str, Any]) -> Person:
    return Person(
        subject=text(claims, "sub"),
        email=text(claims, "email").lower(),
        first_name=text(claims, "given_name")[:150],
        last_name=text(claims, "family_name")[:150],
        home_organisation=home_organisation(claims),
        affiliations=tuple(affiliations(claims)),
    )

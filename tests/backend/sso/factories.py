"""Test data for signing in with the school account (also used by the end-to-end tests).

    school = sso_school("Vista college", domain="vista.nl")        # a school with its domain
    lotte = student_record(school, number="123456", email="lotte@student.vista.nl")
    claims = student_claims(number="123456", domain="vista.nl", email=..., sub="lotte-sub")
    admin = institution_admin(school)

Claims follow what SURFconext sends (docs/sso.md): `schac_home_organization`, a list in
`eduperson_affiliation`, and for students `schac_personal_unique_code` of the form
"urn:schac:personalUniqueCode:nl:local:<domain>:studentid:<number>".
"""

from django.utils import timezone

from backend.accounts.models import Role
from backend.sso.models import RegisteredDomain, StudentMatching
from tests.factories import KwalificatieFactory, SchoolFactory, UserFactory, member, student

ISSUER = "https://connect.test.surfconext.nl"


def register_domain(school, domain: str, *, matching: str = StudentMatching.STUDENT_NUMBER):
    """Register `domain` (lower case) for `school`; students are matched by `matching`
    (StudentMatching.STUDENT_NUMBER or StudentMatching.EMAIL)."""
    return RegisteredDomain.objects.create(
        organisation=school,
        domain=domain.lower(),
        student_matching=matching,
        created_at=timezone.now(),
    )


def sso_school(name: str = "Vista college", *, domain: str = "vista.nl", matching=None, **fields):
    """A new school with `domain` registered for it."""
    school = SchoolFactory(name=name, **fields)
    register_domain(school, domain, matching=matching or StudentMatching.STUDENT_NUMBER)
    return school


def student_record(school, *, number: str, email: str | None = None, kwalificatie=None, **fields):
    """A student the school imported: a login (with a student membership) and an enrolment with
    `number` as student number. Returns the login."""
    user = student(
        school=school,
        kwalificatie=kwalificatie or KwalificatieFactory(niveau=2),
        number=number,
        first_name=fields.pop("first_name", "Student"),
        **fields,
    )
    if email:
        user.email = email.lower()
        user.save(update_fields=["email"])
    return user


def institution_admin(school, *, email: str | None = None):
    user = UserFactory(**({"email": email} if email else {}))
    return member(user, school, Role.INSTITUTION_ADMIN)


def unique_code(domain: str, number: str) -> str:
    return f"urn:schac:personalUniqueCode:nl:local:{domain}:studentid:{number}"


def student_claims(
    *,
    number: str | None,
    domain: str = "vista.nl",
    sub: str = "student-sub-1",
    email: str = "",
    given_name: str = "Lotte",
    family_name: str = "van der Berg",
    affiliation=("student", "member"),
) -> dict:
    claims = {
        "sub": sub,
        "email": email,
        "given_name": given_name,
        "family_name": family_name,
        "schac_home_organization": domain,
        "eduperson_affiliation": list(affiliation),
    }
    if number is not None:
        claims["schac_personal_unique_code"] = [unique_code(domain, number)]
    return claims


def employee_claims(
    *,
    email: str,
    domain: str = "vista.nl",
    sub: str = "employee-sub-1",
    given_name: str = "Karin",
    family_name: str = "Mulder",
    affiliation=("employee", "member"),
) -> dict:
    return {
        "sub": sub,
        "email": email,
        "given_name": given_name,
        "family_name": family_name,
        "schac_home_organization": domain,
        "eduperson_affiliation": list(affiliation),
    }

"""One person per role for the permission matrices, built on the shared `cast`."""

from types import SimpleNamespace

from backend.accounts.models import Role
from backend.organisations.models import ConsortiumMembership, ConsortiumRole
from tests.factories import UserFactory, member

ROLES = [
    "student",
    "teacher",
    "coach",
    "coordinator",
    "company_contact",
    "programme_lead",
    "institution_admin",
    "privacy_officer",
    "anonymous",
    "other_school_staff",
]


def people_for(cast) -> SimpleNamespace:
    """Vista people in one role each (plus Sanne, Bos, Jan and Peters from the cast). Vista is the
    penvoerder (lead) of Digiwise Limburg."""
    ConsortiumMembership.objects.filter(consortium=cast.consortium, organisation=cast.vista).update(
        role=ConsortiumRole.LEAD
    )

    def one(first, role):
        return member(UserFactory(first_name=first, last_name="Vista"), cast.vista, role)

    return SimpleNamespace(
        student=cast.sanne,
        teacher=one("Theo", Role.TEACHER),
        coach=one("Cora", Role.COACH),
        coordinator=cast.bos,
        company_contact=cast.jan,
        programme_lead=one("Paula", Role.PROGRAMME_LEAD),
        institution_admin=one("Ada", Role.INSTITUTION_ADMIN),
        privacy_officer=cast.fenna,
        anonymous=None,
        other_school_staff=cast.peters,
    )

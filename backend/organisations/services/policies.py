"""Schools' policies: which certificates guests need, who imports students, who reads care notes."""

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import CertificateKind, User
from backend.accounts.roles import CARE_NOTES_READER_ROLES
from backend.core.errors import Conflict, field_error
from backend.organisations.access import require_organisation_manager
from backend.organisations.models import (
    CertificatePolicy,
    Organisation,
    PolicySubject,
)


@transaction.atomic
def certificate_policy_create(
    *, organisation: Organisation, certificate: str, applies_to: str, actor: User, note: str = ""
) -> CertificatePolicy:
    """A school's rule, e.g. "guest teachers need a valid VOG". Admins of that school."""
    if not organisation.is_school:
        raise field_error("organisation", _("Alleen scholen stellen certificaatbeleid vast."))
    require_organisation_manager(actor, organisation)
    if certificate not in CertificateKind.values:
        raise field_error(
            "certificate", _("Onbekend certificaat: %(kind)s.") % {"kind": certificate}
        )
    if applies_to not in PolicySubject.values:
        raise field_error(
            "applies_to", _("Onbekende doelgroep: %(subject)s.") % {"subject": applies_to}
        )
    if CertificatePolicy.objects.filter(
        organisation=organisation, certificate=certificate, applies_to=applies_to
    ).exists():
        raise Conflict(_("Dit beleid bestaat al voor %(name)s.") % {"name": organisation.name})
    return CertificatePolicy.objects.create(
        organisation=organisation, certificate=certificate, applies_to=applies_to, note=note
    )


@transaction.atomic
def certificate_policy_delete(*, policy: CertificatePolicy, actor: User) -> None:
    require_organisation_manager(actor, policy.organisation)
    policy.delete()


@transaction.atomic
def school_policy_update(
    *,
    school: Organisation,
    actor: User,
    coordinators_may_import_students: bool | None = None,
    care_notes_roles: list[str] | None = None,
    require_two_factor: bool | None = None,
) -> Organisation:
    """Change a school's own rules (None leaves a rule as it is). The school's institution admins
    and Koppel staff decide; coordinators do not widen their own rights.

    - `coordinators_may_import_students`: besides institution admins, the school's coordinators
      import students (default off).
    - `care_notes_roles`: school roles that read every student's care notes, besides the student's
      own coach (default: none), from CARE_NOTES_READER_ROLES.
    - `require_two_factor`: password logins of the school's coordinating staff need a second
      factor (default on; backend.two_factor logs who changes it).
    """
    if not school.is_school:
        raise field_error("organisation", _("Alleen scholen hebben dit beleid."))
    require_organisation_manager(actor, school)
    if care_notes_roles is not None:
        unknown = sorted(set(care_notes_roles) - set(CARE_NOTES_READER_ROLES))
        if unknown:
            raise field_error(
                "care_notes_roles",
                _("Onbekende rol: %(roles)s.") % {"roles": ", ".join(unknown)},
            )
        school.care_notes_roles = sorted(set(care_notes_roles))
    if coordinators_may_import_students is not None:
        school.coordinators_may_import_students = coordinators_may_import_students
    if require_two_factor is not None:
        school.require_two_factor = require_two_factor
    school.save(
        update_fields=[
            "care_notes_roles",
            "coordinators_may_import_students",
            "require_two_factor",
            "updated_at",
        ]
    )
    return school

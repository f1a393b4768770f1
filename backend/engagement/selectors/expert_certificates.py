"""Experts' certificates: what a company sees of its own experts, and what a school's
coordinators still have to check."""

from django.db.models import Q, QuerySet

from backend.accounts.models import Certificate, User
from backend.accounts.roles import CERTIFICATE_VERIFIER_ROLES
from backend.accounts.selectors import organisation_ids_for
from backend.engagement.models import ExpertProfile
from backend.organisations.models import CertificatePolicy, Organisation, PolicySubject


def expert_certificates(expert: ExpertProfile) -> QuerySet[Certificate]:
    """The expert's certificates, newest validity first, with who checked them."""
    return (
        Certificate.objects.filter(holder_id=expert.user_id)
        .select_related("verified_by", "verified_for")
        .order_by("-valid_until", "-pk")
    )


def expert_school_ids(expert: ExpertProfile) -> set[int]:
    """The schools that may invite this expert: named ones and the schools of its consortium."""
    ids = set(expert.schools.values_list("pk", flat=True))
    if expert.consortium_id:
        ids |= set(
            Organisation.objects.schools()
            .filter(
                consortium_memberships__consortium_id=expert.consortium_id,
                consortium_memberships__left_on__isnull=True,
            )
            .values_list("pk", flat=True)
        )
    return ids


def certificate_verifier_school_ids(user: User) -> set[int]:
    """The schools whose certificates this person may check (coordinators, institution admins)."""
    return organisation_ids_for(user, *CERTIFICATE_VERIFIER_ROLES)


def may_verify_expert_certificates(user: User) -> bool:
    return user.is_staff or bool(certificate_verifier_school_ids(user))


def expert_certificates_to_verify(user: User) -> QuerySet[Certificate]:
    """Unchecked certificates of experts who may teach at the person's schools, of a kind those
    schools require from guest teachers: what the coordinator should check next, oldest first.
    The verify service decides per certificate (organisations.services.certificate_verify)."""
    schools = certificate_verifier_school_ids(user)
    if not schools and not user.is_staff:
        return Certificate.objects.none()
    policies = CertificatePolicy.objects.filter(applies_to=PolicySubject.GUEST_TEACHER)
    experts = ExpertProfile.objects.all()
    if not user.is_staff:
        policies = policies.filter(organisation_id__in=schools)
        experts = experts.filter(
            Q(schools__in=schools)
            | Q(
                consortium__memberships__organisation_id__in=schools,
                consortium__memberships__left_on__isnull=True,
            )
        )
    return (
        Certificate.objects.filter(
            verified_at__isnull=True,
            holder_id__in=experts.values("user_id"),
            kind__in=policies.values("certificate"),
        )
        .exclude(holder_id=user.pk)
        .select_related("holder")
        .order_by("created_at", "pk")
    )

"""Who may read and act on an agreement. Functions take the user and return querysets or ids,
so API views, pages and services share one answer."""

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import Membership, Role, StudentEnrolment, User
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.accounts.selectors import company_ids, coordinator_school_ids, organisation_ids_for
from backend.agreements.models import Agreement, AgreementParty
from backend.core.errors import ApplicationError, field_error
from backend.offers.models import Offer, OfferStatus
from backend.offers.selectors import offer_target_school_ids, offers_visible_to

SCHOOL_ACCEPT_ROLES = (Role.COORDINATOR, Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN)
# An agreement is about work that will happen: the school has published the offer, or it runs.
AGREEMENT_OFFER_STATUSES = (OfferStatus.PUBLISHED, OfferStatus.RUNNING)


def readable_organisation_ids(user: User) -> set[int]:
    """Organisations whose agreements the user reads: as school staff or company contact."""
    return organisation_ids_for(user, Role.COMPANY_CONTACT, *SCHOOL_STAFF_ROLES)


def participant_agreement_ids(user: User) -> QuerySet:
    """Agreements a student works under: named participants, plus the agreements between the
    student's own school and an offer the allocations app placed them on (published rounds)."""
    named = Q(participants=user)
    try:
        from backend.allocations.selectors import offer_ids_for_student
    except ImportError:
        return Agreement.objects.filter(named).values("pk")
    school_id = StudentEnrolment.objects.filter(student_id=user.pk).values("school_id")
    allocated = Q(offer_id__in=offer_ids_for_student(user)) & Q(
        pk__in=AgreementParty.objects.filter(organisation_id__in=school_id).values("agreement_id")
    )
    return Agreement.objects.filter(named | allocated).values("pk")


def agreements_visible_to(user: User) -> QuerySet[Agreement]:
    if not user.is_authenticated:
        return Agreement.objects.none()
    if user.is_staff:
        return Agreement.objects.all()
    organisations = readable_organisation_ids(user)
    return Agreement.objects.filter(
        Q(
            pk__in=AgreementParty.objects.filter(organisation_id__in=organisations).values(
                "agreement_id"
            )
        )
        | Q(pk__in=participant_agreement_ids(user))
    )


def can_read(user: User, agreement: Agreement) -> bool:
    return agreements_visible_to(user).filter(pk=agreement.pk).exists()


def acting_organisation_ids(user: User) -> set[int]:
    """Organisations for which the user may accept and manage agreements: schools where they
    coordinate (coordinator, programme lead, institution admin) and companies they represent."""
    return coordinator_school_ids(user) | company_ids(user)


def acting_party(user: User, agreement: Agreement) -> AgreementParty | None:
    """The party this user acts for on this agreement, with the right role, or None."""
    schools, companies = coordinator_school_ids(user), company_ids(user)
    for party in agreement.parties.select_related("organisation"):
        allowed = schools if party.organisation.is_school else companies
        if party.organisation_id in allowed:
            return party
    return None


def can_manage(user: User, agreement: Agreement) -> bool:
    return bool(user.is_staff or acting_party(user, agreement))


def is_school_coordinator_for(user: User, agreement: Agreement) -> bool:
    if user.is_staff:
        return True
    schools = coordinator_school_ids(user)
    return agreement.parties.filter(organisation_id__in=schools).exists()


def school_coordinators(agreement: Agreement) -> list[User]:
    """Coordinators of the agreement's school parties (programme leads and admins when a school
    has no coordinator), plus the school party's contact person."""
    school_ids = [p.organisation_id for p in agreement.parties.all() if p.organisation.is_school]
    people: dict[int, User] = {}
    for roles in ((Role.COORDINATOR,), (Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN)):
        for membership in (
            Membership.objects.active()
            .filter(organisation_id__in=school_ids, role__in=roles, user__is_active=True)
            .select_related("user")
        ):
            people.setdefault(membership.user_id, membership.user)
        if people:
            break
    for party in agreement.parties.all():
        if party.organisation.is_school and party.contact_id:
            people.setdefault(party.contact_id, party.contact)
    return list(people.values())


def party_organisation_for_person(agreement: Agreement, person: User) -> int | None:
    """The party organisation a person works for (any role but student), or None."""
    party_ids = [p.organisation_id for p in agreement.parties.all()]
    membership = (
        Membership.objects.active()
        .filter(user=person, organisation_id__in=party_ids)
        .exclude(role=Role.STUDENT)
        .order_by("pk")
        .first()
    )
    return membership.organisation_id if membership else None


def offer_unavailable(offer_id: int) -> ApplicationError:
    # One answer for an id that does not exist and for an offer the person may not see, so
    # another company's offers cannot be found, or their titles read, by trying ids.
    return field_error(
        "offer",
        _("Aanbod %(id)s bestaat niet of u kunt er geen afspraak over maken.") % {"id": offer_id},
    )


def offer_for_agreement(user: User, offer_id: int) -> Offer:
    """The offer if `user` may see it (or represents the company that took it over), else
    `offer_unavailable`: the same error whether or not the id exists."""
    offer = Offer.objects.select_related("owner", "contact").filter(pk=offer_id).first()
    if offer is None or not offer_is_known_to(user, offer):
        raise offer_unavailable(offer_id)
    return offer


def offer_is_known_to(user: User, offer: Offer) -> bool:
    """May `user` know this offer exists: they see it, or represent the company that took over
    its owner (a takeover moves agreements, not the offer)."""
    if offers_visible_to(user).filter(pk=offer.pk).exists():
        return True
    return offer.owner.current().pk in company_ids(user)


def agreement_school_ids(user: User, offer: Offer) -> set[int]:
    """The schools with which `user` may record an agreement about `offer`: schools it was
    submitted to (by name or through a consortium they belong to), while it is published or
    running. Staff and the offer's company may pick any of them; a coordinator only their own."""
    if offer.status not in AGREEMENT_OFFER_STATUSES:
        return set()
    targets = offer_target_school_ids(offer)
    companies = company_ids(user)
    if user.is_staff or offer.owner_id in companies or offer.owner.current().pk in companies:
        return targets
    return targets & coordinator_school_ids(user)

"""Who may read and act on agreements, commitments, collectives and the co-financing ledger.

The one home of the app's permission rules: API views, pages and services all ask here, so they
give one answer. Predicates (`can_*`, `may_*`, `is_*`) return a bool or ids; `require_*` raise
PermissionDenied with a message for the person refused."""

from functools import cached_property

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from backend.accounts.models import StudentEnrolment, User
from backend.accounts.roles import (
    COMPANY_ROLES,
    COORDINATING_ROLES,
    SCHOOL_MANAGER_ROLES,
    SCHOOL_STAFF_ROLES,
)
from backend.accounts.selectors import (
    company_ids,
    coordinator_school_ids,
    organisation_ids_for,
    staff_school_ids,
)
from backend.agreements.models import (
    Agreement,
    AgreementParty,
    CollectiveMember,
    Commitment,
    CommitmentStatus,
)
from backend.allocations.selectors import offer_ids_for_student
from backend.core.errors import ApplicationError, PermissionDenied, field_error
from backend.offers.models import Offer, OfferStatus
from backend.offers.selectors import offer_target_school_ids, offers_visible_to
from backend.organisations.models import Consortium, Organisation

# An agreement is about work that will happen: the school has published the offer, or it runs.
AGREEMENT_OFFER_STATUSES = (OfferStatus.PUBLISHED, OfferStatus.RUNNING)
# Who reads an organisation's agreements: its school staff and its company contacts.
READING_ROLES = (*COMPANY_ROLES, *SCHOOL_STAFF_ROLES)


# --- Reading agreements ------------------------------------------------------------------------


def readable_organisation_ids(user: User) -> set[int]:
    """Organisations whose agreements the user reads: as school staff or company contact."""
    return organisation_ids_for(user, *READING_ROLES)


def participant_agreement_ids(user: User) -> QuerySet[Agreement, int]:
    """Agreements a student works under: named participants, plus the agreements between the
    student's own school and an offer the allocations app placed them on (published rounds)."""
    school_id = StudentEnrolment.objects.filter(student_id=user.pk).values("school_id")
    allocated = Q(offer_id__in=offer_ids_for_student(user)) & Q(
        pk__in=AgreementParty.objects.filter(organisation_id__in=school_id).values("agreement_id")
    )
    return Agreement.objects.filter(Q(participants=user) | allocated).values_list("pk", flat=True)


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


# --- Acting for a party ------------------------------------------------------------------------


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


# The role an acceptance records, the most senior first (COORDINATING_ROLES runs from the
# coordinator up): an institution admin who also coordinates signs as admin.
ACCEPTING_ROLES = (*reversed(COORDINATING_ROLES), *COMPANY_ROLES)


def acting_role(user: User, party: AgreementParty) -> str:
    """The role in which `user` accepts for `party` ("staff" for Koppel staff without one)."""
    for role in ACCEPTING_ROLES:
        if party.organisation_id in organisation_ids_for(user, role):
            return role
    return "staff" if user.is_staff else ""


def can_manage(user: User, agreement: Agreement) -> bool:
    """Koppel staff, and whoever acts for one of the parties."""
    return bool(user.is_staff or acting_party(user, agreement))


def can_see_acceptance_audit(user: User, agreement: Agreement) -> bool:
    """The network details of an acceptance (IP address, browser) are evidence for a dispute,
    not for everyday reading (AVG: data minimisation): Koppel staff and the institution admins
    of a party see them; students, teachers and company contacts do not."""
    if user.is_staff:
        return True
    admin_of = organisation_ids_for(user, *SCHOOL_MANAGER_ROLES)
    return any(party.organisation_id in admin_of for party in agreement.parties.all())


def require_manager(user: User, agreement: Agreement) -> None:
    if not can_manage(user, agreement):
        raise PermissionDenied(_("Je bent geen partij bij deze afspraak."))


def require_acting_party(user: User, agreement: Agreement) -> AgreementParty:
    """The party `user` accepts for; refused for everyone who does not act for one."""
    party = acting_party(user, agreement)
    if party is None:
        raise PermissionDenied(
            _(
                "Alleen een contactpersoon van een partij (bedrijf) of een coördinator van de school "
                "kan deze afspraak accepteren."
            )
        )
    return party


def is_school_coordinator_for(user: User, agreement: Agreement) -> bool:
    if user.is_staff:
        return True
    schools = coordinator_school_ids(user)
    return agreement.parties.filter(organisation_id__in=schools).exists()


def require_school_coordinator(user: User | None, agreement: Agreement) -> None:
    """`user=None` is the system (a daily task), which may."""
    if user is not None and not is_school_coordinator_for(user, agreement):
        raise PermissionDenied(
            _("Alleen een coördinator van de school bij deze afspraak kan dit doen.")
        )


def is_coordinator_of(user: User, school: Organisation) -> bool:
    return user.is_staff or school.pk in coordinator_school_ids(user)


def require_coordinator_of(user: User, school: Organisation) -> None:
    if not is_coordinator_of(user, school):
        raise PermissionDenied(
            _("Alleen een coördinator van %(name)s kan dit doen.") % {"name": school.name}
        )


# --- Commitments -------------------------------------------------------------------------------


class AgreementRights:
    """What one person may do on one agreement. Each answer is looked up once, on first use, so
    a page or response that asks about every commitment costs the same two queries."""

    def __init__(self, user: User, agreement: Agreement) -> None:
        self.user = user
        self.agreement = agreement

    @cached_property
    def is_school_coordinator(self) -> bool:
        return is_school_coordinator_for(self.user, self.agreement)

    @cached_property
    def party(self) -> AgreementParty | None:
        return acting_party(self.user, self.agreement)

    @property
    def may_manage(self) -> bool:
        return self.party is not None or self.user.is_staff

    def may_set_commitment_status(self, commitment: Commitment, status: str) -> bool:
        """The school's coordinator sets any status; the owner, or whoever acts for the owner's
        organisation, marks it done."""
        if self.is_school_coordinator:
            return True
        if status != CommitmentStatus.DONE:
            return False
        return commitment.owner_id == self.user.pk or (
            self.party is not None and self.party.organisation_id == commitment.organisation_id
        )

    def may_update_commitment(self, commitment: Commitment) -> bool:
        """Whether the user may change this commitment's status at all."""
        return self.may_set_commitment_status(commitment, CommitmentStatus.DONE)

    def settable_commitment_statuses(self) -> tuple[CommitmentStatus, ...]:
        """Done; only the school's coordinator waives a commitment or marks it broken."""
        if self.is_school_coordinator:
            return (CommitmentStatus.DONE, CommitmentStatus.WAIVED, CommitmentStatus.BROKEN)
        return (CommitmentStatus.DONE,)


def may_update_commitment(user: User, commitment: Commitment) -> bool:
    """Whether `user` may change this commitment's status at all (pages hide the form)."""
    return AgreementRights(user, commitment.agreement).may_update_commitment(commitment)


def require_commitment_status_right(user: User, commitment: Commitment, status: str) -> None:
    if AgreementRights(user, commitment.agreement).may_set_commitment_status(commitment, status):
        return
    if status == CommitmentStatus.DONE:
        raise PermissionDenied(
            _("Alleen de eigenaar of de coördinator van de school mag deze toezegging bijwerken.")
        )
    raise PermissionDenied(
        _(
            "Alleen de coördinator van de school mag een toezegging laten vervallen of als niet nagekomen markeren."
        )
    )


def may_export_commitments(user: User) -> bool:
    """Koppel staff, school staff and company contacts export commitments (their own)."""
    return user.is_staff or bool(organisation_ids_for(user, *READING_ROLES))


# --- Offers ------------------------------------------------------------------------------------


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
    offer: Offer | None = (
        Offer.objects.select_related("owner", "contact").filter(pk=offer_id).first()
    )
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


def is_school_side(user: User, school: Organisation) -> bool:
    """Koppel staff or a coordinator of `school`: they make an agreement for the school."""
    return is_coordinator_of(user, school)


def may_make_agreement_about(user: User, offer: Offer, school: Organisation) -> bool:
    """The school's side, or a contact of the offer's company (as it is now, or as it was)."""
    companies = company_ids(user)
    return (
        is_school_side(user, school)
        or offer.owner.current().pk in companies
        or offer.owner_id in companies
    )


# --- Continuity --------------------------------------------------------------------------------


def may_hand_over_for(user: User, organisation_ids: set[int]) -> bool:
    """Koppel staff, or someone who acts (coordinates or is contact) for one of them."""
    return user.is_staff or bool(organisation_ids & acting_organisation_ids(user))


def require_handover_right(user: User, organisation_ids: set[int]) -> None:
    if not may_hand_over_for(user, organisation_ids):
        raise PermissionDenied(
            _(
                "Alleen een coördinator of contactpersoon van dezelfde organisatie kan werk overdragen."
            )
        )


def require_takeover_right(user: User, organisation: Organisation, successor: Organisation) -> None:
    """Koppel staff, or someone who acts for the organisation taken over or its successor."""
    if not may_hand_over_for(user, {organisation.pk, successor.pk}):
        raise PermissionDenied(
            _("Alleen Koppel-beheer of een contactpersoon van %(name)s kan dit doen.")
            % {"name": successor.name}
        )


# --- Collectives, consortia and the co-financing ledger ----------------------------------------


def may_manage_collective(user: User, collective: Organisation) -> bool:
    """Koppel staff or a contact person of the collective (it adds and removes members)."""
    return user.is_staff or collective.pk in company_ids(user)


def can_see_collective_members(user: User, collective: Organisation) -> bool:
    """The collective itself is a public institution (organisations_visible_to shows it to
    everyone signed in), but its member list names companies, and companies are not public: only
    Koppel staff and school staff see every company (the shared company database), a company
    contact sees their own. So the member list goes to Koppel staff, school staff, the
    collective's own people and the contacts of its current member companies (who know their
    fellow members anyway). Students and contacts of other companies learn nothing, not even that
    the collective exists."""
    if not user.is_authenticated:
        return False
    if user.is_staff or staff_school_ids(user) or collective.pk in organisation_ids_for(user):
        return True
    current = CollectiveMember.objects.filter(collective=collective, left_on__isnull=True)
    return current.filter(company_id__in=company_ids(user)).exists()


def may_make_consortium_agreement(user: User, school_ids: set[int]) -> bool:
    """Koppel staff or the coordinating staff of one of the consortium's member schools."""
    return user.is_staff or bool(school_ids & coordinator_school_ids(user))


def can_read_ledger(user: User, consortium: Consortium) -> bool:
    """Koppel staff, and school staff and company contacts of the consortium's members."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    members = set(consortium.memberships.values_list("organisation_id", flat=True))
    return bool(members & organisation_ids_for(user, *READING_ROLES))


def can_keep_ledger(
    user: User, consortium: Consortium, partner: Organisation | None = None
) -> bool:
    """Coordinators of a member school keep the whole ledger; a company records its own."""
    if user.is_staff:
        return True
    member_ids = set(
        consortium.memberships.filter(left_on__isnull=True).values_list(
            "organisation_id", flat=True
        )
    )
    if coordinator_school_ids(user) & member_ids:
        return True
    return partner is not None and partner.pk in company_ids(user) and partner.pk in member_ids


# --- Commitment owners -------------------------------------------------------------------------


def commitment_owners(organisation: Organisation) -> QuerySet[User]:
    """Who may own a commitment for `organisation`: its staff (school) or contact persons
    (company), still there. Never a student."""
    roles = SCHOOL_STAFF_ROLES if organisation.is_school else COMPANY_ROLES
    return (
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__role__in=roles,
            memberships__ended_at__isnull=True,
            left_at__isnull=True,
        )
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


def commitment_owner_ids(organisation: Organisation) -> set[int]:
    return set(commitment_owners(organisation).values_list("pk", flat=True))

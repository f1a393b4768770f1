"""Who sees which offers (who may act on them: backend.offers.access).

The rules (issue 2): a company contact sees their own organisation's offers in every state;
school staff see offers submitted to their school, or to a consortium their school belongs to,
once they have been submitted; students see published and running offers open to their
programme and level at their school or consortium; nobody else sees anything.
"""

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Coalesce

from backend.accounts.models import Membership, Role, User
from backend.accounts.roles import REVIEWING_ROLES
from backend.accounts.selectors import (
    company_ids,
    organisation_ids_for,
    staff_school_ids,
    student_enrolment,
)
from backend.offers.models import (
    AWAITING_DECISION_STATUSES,
    PUBLIC_STATUSES,
    Offer,
    OfferStatus,
    OfferTransition,
)
from backend.organisations.models import ConsortiumMembership, OrganisationKind
from backend.organisations.selectors import consortium_ids_for_organisations

SCHOOL_KINDS = (OrganisationKind.SCHOOL, OrganisationKind.HOGESCHOOL)

_OfferSchools = Offer.schools.through
_OfferProgrammes = Offer.programmes.through


def submitted_to_schools(school_ids: set[int], *, via: str = "") -> Q:
    """Offers submitted to one of these schools directly or to a consortium they belong to.

    `via`: the path from the queried model to the offer ("offer__" for werkproces mappings).
    The consortium test comes first and the direct one is a plain (uncorrelated) IN, so
    PostgreSQL reads the schools' offers once into a hash instead of probing per row."""
    if not school_ids:
        return Q(pk__in=[])
    consortium_ids = consortium_ids_for_organisations(school_ids)
    direct = _OfferSchools.objects.filter(organisation_id__in=school_ids).values("offer_id")
    return Q(**{f"{via}consortium_id__in": consortium_ids}) | Q(**{f"{via}pk__in": direct})


def _ever_submitted() -> Exists:
    return Exists(
        OfferTransition.objects.filter(offer_id=OuterRef("pk"), to_status=OfferStatus.SUBMITTED)
    )


def open_to_kwalificatie(kwalificatie_id: int, *, via: str = "") -> Q:
    """Offers open to this programme: no programme restriction, or this one listed. `via` as
    in `submitted_to_schools`."""
    offer = OuterRef(f"{via}pk")
    restricted = Exists(_OfferProgrammes.objects.filter(offer_id=offer))
    listed = Exists(
        _OfferProgrammes.objects.filter(offer_id=offer, kwalificatie_id=kwalificatie_id)
    )
    return ~Q(restricted) | Q(listed)


def with_history() -> "Prefetch[str, QuerySet[OfferTransition], str]":
    """The transitions with their actors, in order: one query for a whole page of offers, so
    `offer_status_summary` can say who made the last change without a query per offer."""
    return Prefetch(
        "transitions", queryset=OfferTransition.objects.select_related("actor").order_by("at", "pk")
    )


def offers_visible_to(user: User) -> QuerySet[Offer]:
    """Every offer this person may see, in any state they may see it in (see module doc).
    Owner, contact, reviewer, consortium and the history come along in fixed queries."""
    base = Offer.objects.select_related(
        "owner", "contact", "reviewer", "consortium"
    ).prefetch_related(with_history())
    if not user.is_authenticated:
        return base.none()
    if user.is_staff:
        return base.all()
    conditions = Q(pk__in=[])
    own_companies = company_ids(user)
    if own_companies:
        conditions |= Q(owner_id__in=own_companies)
    schools = staff_school_ids(user)
    if schools:
        # A draft withdrawn before it was ever submitted never reached the school.
        seen_by_school = ~Q(status=OfferStatus.DRAFT) & (
            ~Q(status=OfferStatus.WITHDRAWN) | Q(_ever_submitted())
        )
        conditions |= submitted_to_schools(schools) & seen_by_school
    enrolment = student_enrolment(user)
    if enrolment is not None:
        niveau = enrolment.kwalificatie.niveau
        conditions |= (
            submitted_to_schools({enrolment.school_id})
            & Q(status__in=PUBLIC_STATUSES, niveau_min__lte=niveau, niveau_max__gte=niveau)
            & open_to_kwalificatie(enrolment.kwalificatie_id)
        )
    return base.filter(conditions)


def offer_target_school_ids(offer: Offer) -> set[int]:
    """The schools an offer is submitted to: listed directly or members of its consortium."""
    ids = {school.pk for school in offer.schools.all() if school.kind in SCHOOL_KINDS}
    if offer.consortium_id:
        ids |= set(
            ConsortiumMembership.objects.filter(
                consortium_id=offer.consortium_id,
                left_on__isnull=True,
                organisation__kind__in=SCHOOL_KINDS,
            ).values_list("organisation_id", flat=True)
        )
    return ids


# Waiting longest first: since the last status change (an offer without one: since it was
# made). The same expressions as the index offer_review_queue_order, so a page of the queue is
# read off that index instead of sorting every waiting offer.
REVIEW_QUEUE_ORDER = (
    Coalesce("status_changed_at", "created_at").asc(),
    F("created_at").asc(),
    F("id").asc(),
)


def review_queue_for(user: User) -> QuerySet[Offer]:
    """Offers waiting for this person's school to review them, the longest waiting first."""
    schools = organisation_ids_for(user, *REVIEWING_ROLES)
    if not user.is_authenticated or not (schools or user.is_staff):
        return Offer.objects.none()
    offers = (
        Offer.objects.select_related("owner", "contact", "reviewer")
        .prefetch_related(with_history())
        .filter(status__in=AWAITING_DECISION_STATUSES)
    )
    if not user.is_staff:
        offers = offers.filter(submitted_to_schools(schools))
    return offers.order_by(*REVIEW_QUEUE_ORDER)


# What the review queue can be filtered on: waiting for the school, or back with the company.
REVIEW_QUEUE_STATUSES: tuple[OfferStatus, ...] = (
    *AWAITING_DECISION_STATUSES,
    OfferStatus.CHANGES_REQUESTED,
)


def review_queue_filtered(
    user: User,
    *,
    status: str = "",
    kind: str = "",
    submitted_before: dt.datetime | None = None,
    q: str = "",
) -> QuerySet[Offer]:
    """The review queue filtered in SQL: one `status` of REVIEW_QUEUE_STATUSES (default: the
    offers awaiting a decision, as `review_queue_for`), one `kind`, only offers whose status
    changed before `submitted_before` (overdue), and `q` in the title or the company's name.
    The expected decision date follows the status date, so the order (REVIEW_QUEUE_ORDER:
    oldest first) puts overdue offers on top. Unknown values are the caller's to refuse."""
    schools = organisation_ids_for(user, *REVIEWING_ROLES)
    if not user.is_authenticated or not (schools or user.is_staff):
        return Offer.objects.none()
    statuses = [status] if status else list(AWAITING_DECISION_STATUSES)
    offers = (
        Offer.objects.select_related("owner", "contact", "reviewer")
        .prefetch_related(with_history())
        .filter(status__in=statuses)
    )
    if not user.is_staff:
        offers = offers.filter(submitted_to_schools(schools))
    if kind:
        offers = offers.filter(kind=kind)
    if submitted_before is not None:
        offers = offers.filter(
            status__in=AWAITING_DECISION_STATUSES, status_changed_at__lt=submitted_before
        )
    if q := q.strip():
        offers = offers.filter(Q(title__icontains=q) | Q(owner__name__icontains=q))
    return offers.order_by(*REVIEW_QUEUE_ORDER)


def company_contact_ids(organisation_id: int) -> list[int]:
    """Active company contacts of an organisation: the people who hear about its offers."""
    return list(
        Membership.objects.active()
        .filter(organisation_id=organisation_id, role=Role.COMPANY_CONTACT)
        .values_list("user_id", flat=True)
        .distinct()
    )


def school_staff_ids(school_ids: set[int], roles: Iterable[str]) -> list[int]:
    return list(
        Membership.objects.active()
        .filter(organisation_id__in=school_ids, role__in=roles, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )

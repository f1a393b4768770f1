"""Who may see and do what with offers: the one home of these rules. Services, serializers,
APIs and pages ask here; none of them writes its own role check.

- Which offers a person sees at all: `selectors.offers_visible_to` (company contacts their own
  company's, school staff what was submitted to their school, students what is public to them).
- The owner company's contacts (and Koppel staff) create, edit, submit and withdraw its offers.
- School staff of a school the offer is submitted to (teachers, coaches, coordinators: the
  REVIEWING_ROLES) review it: publish, request changes, reject, map werkprocessen.
- The coordinating staff of such a school (COORDINATING_ROLES) start, complete and archive it.
- Review details (rejection reason, change request) are for the company and schools only;
  the history is for the company and the schools the offer was submitted to.

Koppel staff may do everything; the services say so where they call these functions.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.roles import COORDINATING_ROLES, REVIEWING_ROLES
from backend.accounts.selectors import company_ids, organisation_ids_for, staff_school_ids
from backend.core.errors import PermissionDenied
from backend.offers.models import Offer, OfferStatus
from backend.offers.selectors.visibility import offer_target_school_ids
from backend.organisations.models import Organisation


def is_offer_company(user: User, offer: Offer) -> bool:
    """A contact person of the company that owns the offer."""
    return user.is_authenticated and offer.owner_id in company_ids(user)


def may_manage_offers_of(user: User, owner: Organisation) -> bool:
    """Create and change offers of `owner`: its contacts and Koppel staff."""
    return user.is_authenticated and (user.is_staff or owner.pk in company_ids(user))


def require_offer_manager(actor: User, owner: Organisation) -> None:
    """Raise PermissionDenied unless `actor` may manage `owner`'s offers."""
    if not may_manage_offers_of(actor, owner):
        raise PermissionDenied(
            _("Alleen contactpersonen van %(owner)s kunnen hun aanbod beheren.")
            % {"owner": owner.name}
        )


def reviews_offer(user: User, offer: Offer) -> bool:
    """Teachers, coaches and coordinators of a school the offer is submitted to."""
    mine = organisation_ids_for(user, *REVIEWING_ROLES)
    return bool(mine and mine & offer_target_school_ids(offer))


def runs_offer(user: User, offer: Offer) -> bool:
    """Coordinators (also programme leads and institution admins) of a target school."""
    mine = organisation_ids_for(user, *COORDINATING_ROLES)
    return bool(mine and mine & offer_target_school_ids(offer))


def may_curate(user: User, offer: Offer) -> bool:
    """Review the offer and map it onto werkprocessen: its reviewers and Koppel staff."""
    return user.is_staff or reviews_offer(user, offer)


def may_use_review_queue(user: User) -> bool:
    """Anyone who reviews offers for some school (and Koppel staff)."""
    return user.is_staff or bool(organisation_ids_for(user, *REVIEWING_ROLES))


def may_see_review(user: User, offer: Offer) -> bool:
    """Rejection reason, change request and POK reference: the owner company and school staff
    see them; students never do."""
    if user.is_staff:
        return True
    return offer.owner_id in company_ids(user) or bool(staff_school_ids(user))


def may_see_history(user: User, offer: Offer) -> bool:
    """Who moved the offer when, with notes: the company and the schools it went to."""
    if user.is_staff or is_offer_company(user, offer):
        return True
    return bool(staff_school_ids(user) & offer_target_school_ids(offer))


def coverage_school_ids(user: User) -> set[int]:
    """The schools whose coverage report this person may see: their own schools as staff;
    every school for Koppel staff without a school of their own. Empty: none."""
    schools = staff_school_ids(user)
    if user.is_staff and not schools:
        return set(Organisation.objects.schools().values_list("pk", flat=True))
    return schools


@dataclass(frozen=True)
class OfferActions:
    """What an offer's page offers this person. The company's buttons show to its contacts only
    (Koppel staff act for a company through the admin or the API)."""

    edit: bool
    withdraw: bool
    review: bool
    start_review: bool
    map_werkprocessen: bool


def offer_actions(user: User, offer: Offer) -> OfferActions:
    company = is_offer_company(user, offer)
    curator = may_curate(user, offer)
    return OfferActions(
        edit=company and offer.is_editable,
        withdraw=company and not offer.is_final,
        review=curator and offer.awaiting_decision,
        start_review=curator and offer.status == OfferStatus.SUBMITTED,
        map_werkprocessen=curator and offer.is_mappable,
    )

"""Who may see a company collective's member companies.

The collective itself is a public institution (organisations_visible_to shows it to everyone
signed in), but its member list names companies, and companies are not public: only Koppel
staff and school staff see every company (the shared company database), a company contact sees
their own. So the member list goes to Koppel staff, school staff, the collective's own people
and the contacts of its current member companies (who know their fellow members anyway).
Students and contacts of other companies learn nothing, not even that the collective exists."""

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.accounts.selectors import company_ids, organisation_ids_for, staff_school_ids
from backend.agreements.models import CollectiveMember
from backend.organisations.models import Organisation, OrganisationKind


def can_see_collective_members(user: User, collective: Organisation) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_staff or staff_school_ids(user) or collective.pk in organisation_ids_for(user):
        return True
    current = CollectiveMember.objects.filter(collective=collective, left_on__isnull=True)
    return current.filter(company_id__in=company_ids(user)).exists()


def collective_for_members(user: User, pk: int) -> Organisation | None:
    """The collective `pk` if `user` may see its members, else None: one answer for a missing
    id, an organisation that is no collective and a collective the user may not look into."""
    collective = Organisation.objects.filter(pk=pk, kind=OrganisationKind.COLLECTIVE).first()
    if collective is None or not can_see_collective_members(user, collective):
        return None
    return collective


def collective_members(collective: Organisation) -> QuerySet[CollectiveMember]:
    return CollectiveMember.objects.filter(collective=collective).select_related("company")

"""Company collectives and their member companies (who may see them: selectors.access)."""

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.agreements.models import CollectiveMember
from backend.agreements.selectors.access import can_see_collective_members
from backend.organisations.models import Organisation, OrganisationKind


def collective_for_members(user: User, pk: int) -> Organisation | None:
    """The collective `pk` if `user` may see its members, else None: one answer for a missing
    id, an organisation that is no collective and a collective the user may not look into."""
    collective: Organisation | None = Organisation.objects.filter(
        pk=pk, kind=OrganisationKind.COLLECTIVE
    ).first()
    if collective is None or not can_see_collective_members(user, collective):
        return None
    return collective


def collective_members(collective: Organisation) -> QuerySet[CollectiveMember]:
    return CollectiveMember.objects.filter(collective=collective).select_related("company")

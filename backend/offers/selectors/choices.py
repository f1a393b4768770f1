"""What a company chooses from in the offer brief: schools and consortia to submit to, and the
programmes an offer can be open to."""

from collections.abc import Iterable
from typing import cast

from django.db.models import QuerySet

from backend.accounts.models import User
from backend.curriculum.models import Kwalificatie
from backend.curriculum.selectors import kwalificatie_list
from backend.organisations.models import Consortium, Organisation, OrganisationQuerySet
from backend.organisations.selectors import (
    consortia_visible_to,
    consortium_ids_for_organisations,
    organisations_visible_to,
)


def submission_schools(user: User) -> QuerySet[Organisation]:
    """The active schools this person may submit an offer to: every school they can see."""
    # organisations_visible_to is typed as a plain QuerySet; it is an Organisation queryset.
    visible = cast(OrganisationQuerySet, organisations_visible_to(user))
    return visible.schools().active().order_by("name")


def submission_consortia(
    user: User, *, owner: Organisation, school_ids: Iterable[int]
) -> QuerySet[Consortium]:
    """The consortia the owner company or one of these schools is an active member of."""
    ids = consortium_ids_for_organisations({owner.pk, *school_ids})
    return consortia_visible_to(user).filter(pk__in=ids).order_by("name")


def offer_programmes() -> QuerySet[Kwalificatie]:
    """Every programme (kwalificatie) an offer can be open to, by title and niveau."""
    return kwalificatie_list().order_by("title", "niveau")

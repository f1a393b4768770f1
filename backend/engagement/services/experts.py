"""Company contacts keep their experts' profiles up to date."""

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from backend.accounts.models import User
from backend.accounts.selectors import company_ids
from backend.core.errors import PermissionDenied, field_error
from backend.engagement.models import ExpertProfile, Tag, tag_slug
from backend.engagement.selectors.access import may_manage_experts_of
from backend.organisations.models import Consortium, ConsortiumMembership, Organisation

MAX_TAGS = 15


def tags_from_names(names: list[str]) -> list[Tag]:
    """Normalise and create tags: 'Cyber security', 'cyber-security ' → one tag."""
    tags: list[Tag] = []
    seen: set[str] = set()
    for name in names:
        slug = tag_slug(name)
        if not slug or slug in seen:
            continue
        seen.add(slug)
        tag, _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name.strip()[:60]})
        tags.append(tag)
    if len(tags) > MAX_TAGS:
        raise field_error("tags", _("Kies maximaal %(n)d expertises.") % {"n": MAX_TAGS})
    return tags


def _check_manager(actor: User, organisation: Organisation) -> None:
    if not may_manage_experts_of(actor, organisation.pk):
        raise PermissionDenied(
            _("Alleen contactpersonen van %(company)s beheren de experts van dit bedrijf.")
            % {"company": organisation.name}
        )


def _apply(profile: ExpertProfile, *, data: dict[str, Any]) -> list[Tag] | None:
    simple = (
        "headline",
        "bio",
        "available_from",
        "available_until",
        "availability_note",
        "is_active",
    )
    for field in simple:
        if field in data:
            setattr(profile, field, data[field])
    if "formats" in data:
        profile.set_formats(data["formats"])
    if "languages" in data:
        profile.set_languages(data["languages"])
        if not profile.languages:
            raise field_error("languages", _("Kies minstens één taal."))
    if "weekdays" in data:
        profile.set_weekdays(data["weekdays"])
    if "consortium" in data:
        profile.consortium = data["consortium"]
    if not (profile.headline or "").strip():
        raise field_error("headline", _("Vul in waar deze expert goed in is."))
    if (
        profile.available_from
        and profile.available_until
        and profile.available_until < profile.available_from
    ):
        raise field_error(
            "available_until", _("De einddatum van de beschikbaarheid ligt voor de begindatum.")
        )
    return tags_from_names(data["tags"]) if "tags" in data else None


def _default_consortium(organisation: Organisation) -> Consortium | None:
    membership = (
        ConsortiumMembership.objects.filter(organisation=organisation, left_on__isnull=True)
        .select_related("consortium")
        .order_by("consortium__name")
        .first()
    )
    return membership.consortium if membership else None


@transaction.atomic
def expert_profile_create(
    *,
    actor: User,
    user: User,
    organisation: Organisation,
    data: dict[str, Any],
    now: dt.datetime | None = None,
) -> ExpertProfile:
    """Create the expert profile of `user`, a company contact of `organisation`. Visible in the
    company's consortium unless `data["consortium"]` or `schools` say otherwise."""
    _check_manager(actor, organisation)
    if organisation.pk not in company_ids(user):
        # Named by the id the client sent: `user` may be anyone, even at another organisation.
        raise field_error(
            "user",
            _("Persoon %(id)s is geen contactpersoon van %(company)s.")
            % {"id": user.pk, "company": organisation.name},
        )
    if ExpertProfile.objects.filter(user=user).exists():
        raise field_error("user", _("%(name)s heeft al een expertprofiel.") % {"name": user})
    profile = ExpertProfile(user=user, organisation=organisation)
    if "consortium" not in data:
        profile.consortium = _default_consortium(organisation)
    return _apply_and_save(profile, data=data)


def _apply_and_save(profile: ExpertProfile, *, data: dict[str, Any]) -> ExpertProfile:
    """Apply `data`, validate and save; tags and schools need the saved row, so they come last."""
    tags = _apply(profile, data=data)
    profile.full_clean(exclude=["user", "organisation", "consortium"])
    profile.save()
    if tags is not None:
        profile.tags.set(tags)
    if "schools" in data:
        profile.schools.set(data["schools"])
    return profile


@transaction.atomic
def expert_profile_update(
    *, actor: User, profile: ExpertProfile, data: dict[str, Any]
) -> ExpertProfile:
    _check_manager(actor, profile.organisation)
    return _apply_and_save(profile, data=data)

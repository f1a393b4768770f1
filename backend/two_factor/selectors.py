"""Reads about people's second factors: their devices, what is left of their recovery codes,
and the overview of a school's staff for its institution admin."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from backend.accounts.models import Membership, User
from backend.accounts.roles import SCHOOL_STAFF_ROLES, SECOND_FACTOR_ROLES
from backend.two_factor.models import SecondFactorEvent

if TYPE_CHECKING:
    from backend.organisations.models import Organisation


def confirmed_totp_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_totp_device(user: User) -> TOTPDevice | None:
    """The device being set up: created by the setup page, not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_second_factor(user: User) -> bool:
    found: bool = TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    return found


def recovery_codes_left(user: User) -> int:
    left: int = StaticToken.objects.filter(device__user=user, device__confirmed=True).count()
    return left


@dataclass(frozen=True)
class StaffSecondFactor:
    person: User
    roles: tuple[str, ...]  # role labels at this school
    required: bool  # the school's rule asks it of one of these roles (or Koppel staff)
    has_second_factor: bool


def school_staff_second_factors(school: "Organisation") -> list[StaffSecondFactor]:
    """Everyone who works at the school now, by name, with whether they set up two factors.
    Three queries, whatever the number of people."""
    memberships = list(
        Membership.objects.active()
        .filter(organisation=school, role__in=SCHOOL_STAFF_ROLES)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__pk", "role")
    )
    people: dict[int, list[Membership]] = {}
    for membership in memberships:
        people.setdefault(membership.user_id, []).append(membership)
    with_device = set(
        TOTPDevice.objects.filter(user_id__in=people, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    return [
        StaffSecondFactor(
            person=rows[0].user,
            roles=tuple(str(m.get_role_display()) for m in rows),
            required=school.require_two_factor and any(m.role in SECOND_FACTOR_ROLES for m in rows),
            has_second_factor=user_id in with_device,
        )
        for user_id, rows in people.items()
    ]


def school_second_factor_events(
    school: "Organisation", *, limit: int = 20
) -> QuerySet[SecondFactorEvent]:
    return SecondFactorEvent.objects.filter(organisation=school).select_related("user", "actor")[
        :limit
    ]


def school_staff_member(school: "Organisation", person_id: int) -> User | None:
    """Someone who works at the school now, or None (another school's person, an unknown id)."""
    return (
        User.objects.filter(
            pk=person_id,
            memberships__organisation=school,
            memberships__ended_at__isnull=True,
        )
        .distinct()
        .first()
    )

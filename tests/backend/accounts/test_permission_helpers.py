from types import SimpleNamespace

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.accounts.models import Role
from backend.accounts.permissions import (
    HasRole,
    IsCompanyContact,
    IsCoordinator,
    IsSchoolStaff,
    IsStudent,
)
from tests.factories import UserFactory


def _allows(permission, user) -> bool:
    return permission().has_permission(SimpleNamespace(user=user), None)


@pytest.mark.parametrize(
    ("permission", "allowed"),
    [
        (IsSchoolStaff, {"devries", "bos", "peters"}),
        (IsCoordinator, {"bos", "peters"}),
        (IsCompanyContact, {"jan", "eva"}),
        (IsStudent, {"sanne", "ahmed"}),
        (HasRole(Role.COACH), {"devries"}),
    ],
)
def test_role_permissions_follow_active_memberships(cast, permission, allowed):
    people = {"devries", "bos", "peters", "jan", "eva", "sanne", "ahmed"}
    assert {name for name in people if _allows(permission, getattr(cast, name))} == allowed
    assert not _allows(permission, AnonymousUser())


def test_koppel_staff_pass_role_checks_except_the_student_one(db):
    staff = UserFactory(is_staff=True)
    assert _allows(IsSchoolStaff, staff)
    assert _allows(IsCompanyContact, staff)
    assert not _allows(IsStudent, staff)
    assert not _allows(HasRole(Role.COACH, allow_staff=False), staff)


def test_an_ended_membership_no_longer_counts(cast):
    from django.utils import timezone

    from backend.accounts.models import Membership, User

    Membership.objects.filter(user=cast.jan).update(ended_at=timezone.now())
    assert not _allows(IsCompanyContact, User.objects.get(pk=cast.jan.pk))

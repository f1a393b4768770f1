import pytest
from django.utils import timezone

from backend.accounts.models import Membership, Role
from backend.two_factor.policy import second_factor_required
from tests.factories import UserFactory, member


def _fresh(user):
    # The answer is kept on the user object for one request.
    return type(user).objects.get(pk=user.pk)


def test_it_requires_the_coordinating_roles_of_a_school_that_requires_it(world):
    lead = UserFactory(email="lead@vista.test")
    member(lead, world.vista, Role.PROGRAMME_LEAD)
    assert second_factor_required(world.bos)
    assert second_factor_required(world.ilse)
    assert second_factor_required(lead)


@pytest.mark.parametrize("name", ["devries", "sanne", "jan", "eva"])
def test_it_does_not_ask_teachers_coaches_students_or_company_contacts(world, name):
    assert not second_factor_required(getattr(world, name))


def test_koppel_staff_always_need_it_without_any_school(world):
    root = UserFactory(email="root@koppel.test", is_superuser=True)
    assert second_factor_required(world.koen)
    assert second_factor_required(root)


def test_a_school_that_switched_it_off_does_not_ask_its_coordinators(world):
    # Peters coordinates at Gilde, which has it off (as test schools do by default).
    assert not second_factor_required(world.peters)
    world.gilde.require_two_factor = True
    world.gilde.save(update_fields=["require_two_factor"])
    assert second_factor_required(_fresh(world.peters))
    world.vista.require_two_factor = False
    world.vista.save(update_fields=["require_two_factor"])
    assert not second_factor_required(_fresh(world.bos))


def test_one_school_that_requires_it_is_enough_and_an_ended_membership_does_not_count(world):
    member(world.peters, world.vista, Role.COORDINATOR)
    assert second_factor_required(_fresh(world.peters))
    Membership.objects.filter(user=world.peters, organisation=world.vista).update(
        ended_at=timezone.now()
    )
    assert not second_factor_required(_fresh(world.peters))


def test_new_schools_require_it_by_default(db):
    from backend.organisations.models import Organisation, OrganisationKind

    school = Organisation.objects.create(name="Nieuw ROC", kind=OrganisationKind.SCHOOL)
    assert school.require_two_factor is True

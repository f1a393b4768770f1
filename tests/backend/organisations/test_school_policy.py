"""A school's own rules (issue 10): whether coordinators import students, which roles read care
notes. Institution admins decide; coordinators cannot widen their own rights."""

from django.urls import reverse
from rest_framework.test import APIClient

from backend.organisations.models import Organisation


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _settings(school):
    school = Organisation.objects.get(pk=school.pk)
    return (school.coordinators_may_import_students, school.care_notes_roles)


def test_the_defaults_are_admins_import_and_only_the_own_coach_reads(cast, people):
    url = reverse("api:school-policy", args=[cast.vista.pk])
    response = _client(people.teacher).get(url)
    assert response.status_code == 200
    assert response.json() == {"coordinators_may_import_students": False, "care_notes_roles": []}


def test_the_institution_admin_changes_the_rules(cast, people):
    url = reverse("api:school-policy", args=[cast.vista.pk])
    response = _client(people.institution_admin).patch(
        url,
        {"coordinators_may_import_students": True, "care_notes_roles": ["coordinator"]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert _settings(cast.vista) == (True, ["coordinator"])


def test_a_coordinator_cannot_give_themselves_the_import_or_care_notes(cast, people):
    url = reverse("api:school-policy", args=[cast.vista.pk])
    response = _client(people.coordinator).patch(
        url,
        {"coordinators_may_import_students": True, "care_notes_roles": ["coordinator"]},
        format="json",
    )
    assert response.status_code == 403
    assert _settings(cast.vista) == (False, [])


def test_another_schools_admin_and_companies_neither_see_nor_change_them(cast, people):
    url = reverse("api:school-policy", args=[cast.vista.pk])
    for user in (cast.peters, cast.jan):
        assert _client(user).get(url).status_code in (403, 404)
        response = _client(user).patch(url, {"care_notes_roles": ["coach"]}, format="json")
        assert response.status_code in (403, 404)
    assert _settings(cast.vista) == (False, [])


def test_only_school_staff_roles_may_be_named(cast, people):
    url = reverse("api:school-policy", args=[cast.vista.pk])
    response = _client(people.institution_admin).patch(
        url, {"care_notes_roles": ["company_contact"]}, format="json"
    )
    assert response.status_code == 400
    assert response.json()["extra"]["fields"] == {
        "care_notes_roles.0": ['"company_contact" is een ongeldige keuze.']
    }
    assert _settings(cast.vista) == (False, [])


def test_the_service_refuses_unknown_roles_too(cast, people):
    import pytest

    from backend.core.errors import ApplicationError
    from backend.organisations.services import school_policy_update

    with pytest.raises(ApplicationError) as error:
        school_policy_update(
            school=cast.vista, actor=people.institution_admin, care_notes_roles=["student"]
        )
    assert error.value.message == "Onbekende rol: student."
    assert _settings(cast.vista) == (False, [])

import pytest
from django.test import Client

from backend.accounts.models import Invitation
from tests.factories import UserFactory

PAGES = [
    "/admin/accounts/user/?q=bos&memberships__role__exact=coordinator&is_active__exact=1",
    "/admin/accounts/membership/?q=vista&role__exact=teacher&ended_at__isempty=1",
    "/admin/accounts/studentenrolment/?q=sanne&cohort__exact=2025",
    "/admin/accounts/certificate/?kind__exact=VOG",
    "/admin/accounts/invitation/?q=vista",
    "/admin/organisations/organisation/?q=25LX&kind__exact=school&succeeded=no",
    "/admin/organisations/location/?q=heerlen",
    "/admin/organisations/consortium/?q=digiwise",
    "/admin/organisations/certificatepolicy/",
]


@pytest.fixture
def admin_client(cast):
    client = Client()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("url", PAGES)
def test_admin_lists_search_and_filter(admin_client, url):
    assert admin_client.get(url).status_code == 200


def test_admin_user_page_lists_people_once_despite_the_role_filter(admin_client, cast):
    response = admin_client.get("/admin/accounts/user/?q=devries")
    assert response.status_code == 200
    assert response.content.decode().count("devries@vista.test") == 1


def test_admin_shows_care_notes_on_the_enrolment_and_the_consortium_members(admin_client, cast):
    enrolment = cast.sanne.enrolment
    page = admin_client.get(f"/admin/accounts/studentenrolment/{enrolment.pk}/change/")
    assert 'name="care_notes"' in page.content.decode()
    page = admin_client.get(f"/admin/organisations/consortium/{cast.consortium.pk}/change/")
    assert "Pixelfabriek" in page.content.decode()


def test_admin_shows_the_invitation_token_hash_read_only_and_cannot_add(admin_client, cast):
    invitation = Invitation.objects.create(
        email="x@vista.test",
        organisation=cast.vista,
        role="teacher",
        token_hash="a" * 64,
        invited_by=cast.bos,
        expires_at="2030-01-01T00:00:00Z",
    )
    page = admin_client.get(f"/admin/accounts/invitation/{invitation.pk}/change/").content.decode()
    assert "a" * 64 in page
    assert 'name="token_hash"' not in page
    assert admin_client.get("/admin/accounts/invitation/add/").status_code == 403

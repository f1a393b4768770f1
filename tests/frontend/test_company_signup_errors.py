"""Company sign-up: every problem at once, including the service's own checks."""

import re

import pytest
from django.urls import reverse

from backend.accounts.models import User
from backend.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _summary(html: str) -> list[str]:
    block = re.search(r'<div class="error-summary".*?</div>', html, re.S)
    assert block is not None
    return [
        re.sub(r"<[^>]+>", "", item).strip()
        for item in re.findall(r"<li>(.*?)</li>", block.group(0), re.S)
    ]


def test_three_bad_fields_are_reported_together_in_the_summary(cast, page_client):
    response = page_client().post(
        reverse("frontend:company-signup"),
        {
            "name": "Nog een bakkerij",
            "kvk": cast.bakkerij.kvk,  # already registered: the service's check
            "contact_first_name": "Ria",
            "contact_last_name": "Peters",
            "contact_email": "geen-adres",
            "password": "kort",  # too short
        },
    )

    html = response.content.decode()
    assert "Er zijn 3 problemen met wat u invulde" in html
    assert [item.split(":")[0] for item in _summary(html)] == [
        "KvK-nummer",
        "Uw e-mailadres",
        "Kies een wachtwoord",
    ]
    assert _summary(html)[0] == (
        f"KvK-nummer: KvK-nummer {cast.bakkerij.kvk} is al geregistreerd voor Bakkerij Jansen. "
        "Vraag een collega bij Bakkerij Jansen om je uit te nodigen."
    )
    assert not User.objects.filter(email__icontains="ria").exists()
    assert Organisation.objects.filter(name="Nog een bakkerij").count() == 0


def test_a_weak_password_is_reported_next_to_a_missing_name(db, page_client):
    response = page_client().post(
        reverse("frontend:company-signup"),
        {
            "name": "",
            "kvk": "12345679",
            "contact_first_name": "Ria",
            "contact_last_name": "Peters",
            "contact_email": "ria@fietsen.test",
            "password": "ria@fietsen.test",
        },
    )

    assert _summary(response.content.decode()) == [
        "Naam van het bedrijf: Dit veld is vereist.",
        "Kies een wachtwoord: Het wachtwoord lijkt te veel op de e-mailadres.",
    ]
    assert not User.objects.filter(email="ria@fietsen.test").exists()


def test_the_intro_explains_the_required_marker(db, page_client):
    html = page_client().get(reverse("frontend:company-signup")).content.decode()

    assert "Velden gemarkeerd met ‘verplicht’ vult u altijd in." in html
    assert "Velden met * zijn verplicht" not in html

"""`make demo`: every demo login still works with the password alone (the demo's schools do not
require two factors); the superuser signs in with two factors, with the secret load_demo prints."""

from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from backend.accounts.models import User
from backend.demo import loader as demo
from backend.organisations.models import Organisation


def test_the_demo_asks_only_its_superuser_for_a_second_factor(db, real_second_factor):
    output = StringIO()
    call_command("load_demo", stdout=output)
    assert "NNXXA4DFNQWWIZLNN4WTEMBSGYWTEZTB" in output.getvalue()
    assert demo.ADMIN_TOTP_SECRET == "NNXXA4DFNQWWIZLNN4WTEMBSGYWTEZTB"
    assert not Organisation.objects.schools().filter(require_two_factor=True).exists()

    coordinator = Client()
    coordinator.post(
        reverse("frontend:login"),
        {"username": "coordinator@digiwise.demo", "password": demo.PASSWORD},
    )
    assert coordinator.get(reverse("frontend:dashboard")).status_code == 200

    admin = Client()
    admin.post(reverse("frontend:login"), {"username": demo.ADMIN_EMAIL, "password": demo.PASSWORD})
    assert admin.get(reverse("frontend:dashboard"))["Location"].startswith(
        reverse("frontend:two-factor-verify")
    )
    code = f"{totp(demo.ADMIN_TOTP_KEY):06d}"
    admin.post(reverse("frontend:two-factor-verify"), {"action": "totp", "code": code})
    assert admin.get(reverse("frontend:dashboard")).status_code == 200
    assert User.objects.get(email=demo.ADMIN_EMAIL).is_superuser

"""Issue 10, findings 4 and 10: brute force, reset flooding, mail in the request, sign-up
enumeration. The lock and token rules themselves are tested in tests/backend/security/."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from backend.accounts import tasks
from backend.accounts.models import Membership, User
from backend.core.models import OutboxMessage, OutgoingMail
from backend.organisations.models import Organisation
from backend.security.models import AccountLock, MailRequest, SigninFailure

STRONG = "Kantoortuin-Heerlen-2026"
LOCKED = "Te veel mislukte pogingen. Probeer het over 15 minuten opnieuw of herstel je wachtwoord."


@pytest.fixture(autouse=True)
def _no_request_rate_limits(settings):
    # These tests prove the account lock and the mail limits; the per-address request rate
    # limit has its own tests and would otherwise answer 429 first.
    settings.PUBLIC_THROTTLE_RATES = {}


class FailingMailServer(BaseEmailBackend):
    def send_messages(self, messages):
        raise ConnectionRefusedError("SMTP down")


# --- brute force -------------------------------------------------------------------------------


def test_sixty_wrong_passwords_then_the_right_one_on_the_token_endpoint_answer_429(cast):
    url = reverse("api:auth-token")
    codes = [
        APIClient().post(url, {"email": "bos@vista.test", "password": f"gok-{n}"}).status_code
        for n in range(60)
    ]
    assert codes == [400] * 5 + [429] * 55
    right = APIClient().post(url, {"email": "bos@vista.test", "password": cast.password})
    assert right.status_code == 429
    assert right.json() == {"message": LOCKED, "extra": {}}
    assert 14 * 60 < int(right["Retry-After"]) <= 15 * 60
    assert "token" not in right.json()
    # Only the five checked passwords were counted; the locked tries cost no hashing.
    assert SigninFailure.objects.count() == 5


def test_sixty_wrong_passwords_then_the_right_one_on_the_web_login_are_refused(cast):
    client = Client()
    url = reverse("frontend:login")
    for n in range(60):
        client.post(url, {"username": cast.bos.email, "password": f"gok-{n}"})
    right = client.post(url, {"username": cast.bos.email, "password": cast.password})
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session
    assert SigninFailure.objects.count() == 5


def test_the_web_login_and_the_token_endpoint_share_one_lock(cast):
    for _ in range(5):
        Client().post(reverse("frontend:login"), {"username": "BOS@vista.test", "password": "x"})
    response = APIClient().post(
        reverse("api:auth-token"), {"email": "bos@vista.test", "password": cast.password}
    )
    assert response.status_code == 429


def test_an_unknown_e_mail_and_a_wrong_password_get_the_same_answer_and_lock_alike(cast):
    url = reverse("api:auth-token")
    answers = {
        email: [APIClient().post(url, {"email": email, "password": "x"}) for _ in range(6)]
        for email in ("bos@vista.test", "niemand@vista.test")
    }
    known, unknown = answers["bos@vista.test"], answers["niemand@vista.test"]
    assert [(r.status_code, r.json()) for r in known] == [
        (r.status_code, r.json()) for r in unknown
    ]
    assert known[0].json() == {"message": "Het e-mailadres of wachtwoord klopt niet.", "extra": {}}
    assert known[5].status_code == 429


def test_a_password_reset_lifts_the_lock(cast, django_capture_on_commit_callbacks):
    for _ in range(5):
        APIClient().post(reverse("api:auth-token"), {"email": "bos@vista.test", "password": "x"})
    with django_capture_on_commit_callbacks(execute=True):
        APIClient().post(reverse("api:password-reset"), {"email": "bos@vista.test"})
    uid, token = re.search(r"/wachtwoord/reset/([^/]+)/([^/]+)/", mail.outbox[0].body).groups()
    APIClient().post(
        reverse("api:password-reset-confirm"), {"uid": uid, "token": token, "new_password": STRONG}
    )
    assert not AccountLock.objects.exists()
    response = APIClient().post(
        reverse("api:auth-token"), {"email": "bos@vista.test", "password": STRONG}
    )
    assert response.status_code == 200


# --- password reset ----------------------------------------------------------------------------


def test_a_reset_request_only_queues_a_task_the_same_for_known_and_unknown_addresses(
    cast, settings, django_capture_on_commit_callbacks
):
    # A mail server that fails (or hangs) must not show in the answer: nothing is sent in the
    # request, and the request does the same database work whether or not the account exists.
    settings.EMAIL_BACKEND = f"{__name__}.FailingMailServer"
    url = reverse("api:password-reset")
    answers, queries = {}, {}
    for email in ("bos@vista.test", "niemand@vista.test"):
        with (
            django_capture_on_commit_callbacks(execute=False) as after_commit,
            CaptureQueriesContext(connection) as captured,
        ):
            answers[email] = APIClient().post(url, {"email": email})
        queries[email] = (len(captured), len(after_commit))
    known, unknown = answers["bos@vista.test"], answers["niemand@vista.test"]
    assert (known.status_code, known.json()) == (unknown.status_code, unknown.json())
    assert known.status_code == 200
    assert queries["bos@vista.test"] == queries["niemand@vista.test"]
    requests = list(MailRequest.objects.order_by("pk"))
    queued = OutboxMessage.objects.order_by("pk").values_list("task", "kwargs")
    assert list(queued) == [
        ("backend.accounts.tasks.password_reset_mail_task", {"request_id": request.pk})
        for request in requests
    ]
    assert not OutgoingMail.objects.exists()
    assert mail.outbox == []


def test_the_reset_task_mails_only_an_active_login_and_only_once(
    cast, django_capture_on_commit_callbacks
):
    # The requests' own after-commit publishing is not run: the test runs the task itself.
    APIClient().post(reverse("api:password-reset"), {"email": "BOS@vista.test"})
    APIClient().post(reverse("api:password-reset"), {"email": "niemand@vista.test"})
    known, unknown = MailRequest.objects.order_by("pk")
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.password_reset_mail_task(known.pk) is True
        assert tasks.password_reset_mail_task(known.pk) is False
        assert tasks.password_reset_mail_task(unknown.pk) is False
    assert [message.to for message in mail.outbox] == [["bos@vista.test"]]


def test_at_most_three_reset_mails_an_hour_reach_one_address(
    cast, django_capture_on_commit_callbacks
):
    url = reverse("api:password-reset")
    with django_capture_on_commit_callbacks(execute=True):
        answers = [APIClient().post(url, {"email": "bos@vista.test"}) for _ in range(5)]
    assert {(a.status_code, a.json()["message"]) for a in answers} == {
        (200, answers[0].json()["message"])
    }
    assert len(mail.outbox) == 3


def test_the_web_reset_form_is_limited_per_client_address(
    cast, settings, django_capture_on_commit_callbacks
):
    settings.PASSWORD_RESET_MAX_PER_ADDRESS = 2
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        answers = [
            client.post(reverse("frontend:password-reset"), {"email": email})
            for email in ("niemand@vista.test", "ook-niemand@vista.test", cast.jan.email)
        ]
    assert {a["Location"] for a in answers} == {reverse("frontend:password-reset-done")}
    assert mail.outbox == []
    with django_capture_on_commit_callbacks(execute=True):
        Client(REMOTE_ADDR="10.2.2.2").post(
            reverse("frontend:password-reset"), {"email": cast.jan.email}
        )
    assert [message.to for message in mail.outbox] == [[cast.jan.email]]


# --- sign-up enumeration -----------------------------------------------------------------------


def _sign_up_data(email: str, kvk: str) -> dict:
    return {
        "name": f"Studio {kvk}",
        "kvk": kvk,
        "contact_email": email,
        "contact_first_name": "Ilse",
        "contact_last_name": "Maas",
        "password": STRONG,
    }


def test_sign_up_with_a_taken_e_mail_answers_like_a_new_one_and_mails_the_holder(
    cast, django_capture_on_commit_callbacks
):
    url = reverse("api:company-sign-up")
    jan_password = User.objects.get(pk=cast.jan.pk).password
    with django_capture_on_commit_callbacks(execute=True):
        new = APIClient().post(url, _sign_up_data("ilse@studiomaas.test", "65432109"))
        taken = APIClient().post(url, _sign_up_data("JAN@bakkerijjansen.test", "65432100"))
    assert (new.status_code, new.json()) == (taken.status_code, taken.json())
    assert new.status_code == 201
    assert new.json()["message"].startswith("Check je e-mail")
    assert not Organisation.objects.filter(kvk="65432100").exists()
    assert User.objects.get(pk=cast.jan.pk).password == jan_password
    assert Membership.objects.filter(user=cast.jan).count() == 1
    confirm, notice = mail.outbox
    assert confirm.to == ["ilse@studiomaas.test"]
    assert "/aanmelden/bevestigen/" in confirm.body
    assert notice.to == ["jan@bakkerijjansen.test"]
    assert "maar je hebt al een account" in notice.body
    assert "/wachtwoord/vergeten/" in notice.body


def test_the_sign_up_page_answers_the_same_for_a_taken_e_mail(
    cast, django_capture_on_commit_callbacks
):
    url = reverse("frontend:company-signup")
    with django_capture_on_commit_callbacks(execute=True):
        new = Client().post(url, _sign_up_data("ria@fietsen.test", "12345679"))
        taken = Client().post(url, _sign_up_data(cast.jan.email, "12345670"))
    assert new.status_code == taken.status_code == 302
    assert new["Location"] == taken["Location"] == reverse("frontend:company-signup-done")
    assert not Organisation.objects.filter(kvk="12345670").exists()
    assert [message.to for message in mail.outbox] == [["ria@fietsen.test"], [cast.jan.email]]


def test_a_signed_up_login_works_only_after_its_confirmation_link_which_works_once(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        APIClient().post(
            reverse("api:company-sign-up"), _sign_up_data("ilse@studiomaas.test", "65432109")
        )
    token_url = reverse("api:auth-token")
    credentials = {"email": "ilse@studiomaas.test", "password": STRONG}
    assert APIClient().post(token_url, credentials).status_code == 400
    link = re.search(r"http://[^/]+(/aanmelden/bevestigen/\S+/)", mail.outbox[0].body).group(1)
    client = Client()
    assert client.get(link).status_code == 200
    assert not User.objects.get(email="ilse@studiomaas.test").is_active  # a GET confirms nothing
    assert client.post(link)["Location"] == reverse("frontend:dashboard")
    assert APIClient().post(token_url, credentials).status_code == 200
    again = Client().post(link)
    assert again.status_code == 410
    assert "ongeldig of verlopen" in again.content.decode()


def test_a_switched_off_login_cannot_be_reactivated_by_a_sign_up_link(
    cast, django_capture_on_commit_callbacks
):
    # Jan joined a year ago, never signed in, and was switched off by an administrator.
    User.objects.filter(pk=cast.jan.pk).update(
        is_active=False, last_login=None, date_joined=timezone.now() - dt.timedelta(days=365)
    )
    with django_capture_on_commit_callbacks(execute=True):
        APIClient().post(reverse("api:company-sign-up"), _sign_up_data(cast.jan.email, "65432109"))
    (notice,) = mail.outbox
    assert "/aanmelden/bevestigen/" not in notice.body


def test_sign_ups_are_limited_per_client_address(db, settings):
    settings.SIGN_UP_MAX_PER_ADDRESS = 2
    url = reverse("api:company-sign-up")
    codes = [
        APIClient().post(url, _sign_up_data(f"p{n}@x.test", f"6543210{n}")).status_code
        for n in range(3)
    ]
    assert codes == [201, 201, 429]
    assert not User.objects.filter(email="p2@x.test").exists()


def test_the_admin_login_shares_the_lock(cast):
    User.objects.filter(pk=cast.bos.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    for _ in range(5):
        client.post("/admin/login/", {"username": cast.bos.email, "password": "x"})
    right = client.post("/admin/login/", {"username": cast.bos.email, "password": cast.password})
    assert right.status_code == 200
    assert LOCKED in right.content.decode()
    assert "_auth_user_id" not in client.session

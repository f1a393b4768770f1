"""Accounts pages, the dashboard, the language switcher and the shared layout."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import Invitation, Membership, Role, User
from backend.accounts.services.invitations import invitation_create
from backend.organisations.models import Organisation
from frontend.dashboard.items import DashboardItem
from frontend.views.dashboard import grouped_items
from tests.backend.allocations import conftest as allocation_fixtures

pytestmark = pytest.mark.django_db

# A round with students and two challenges at Vista (the allocations tests' world).
world = allocation_fixtures.world


def test_the_login_page_signs_a_person_in_with_e_mail_and_password(cast, page_client):
    client = page_client()
    response = client.post(
        reverse("frontend:login"), {"username": cast.jan.email, "password": cast.password}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:dashboard")
    assert client.get(reverse("frontend:dashboard")).context["user"] == cast.jan


def test_a_wrong_password_says_why_and_keeps_the_e_mail_address(cast, page_client):
    response = page_client().post(
        reverse("frontend:login"), {"username": cast.jan.email, "password": "fout"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "passen niet bij elkaar" in html
    assert f'value="{cast.jan.email}"' in html
    assert "_auth_user_id" not in page_client().session


def test_the_login_page_has_labels_and_the_language_switcher(page_client):
    html = page_client().get(reverse("frontend:login")).content.decode()
    assert '<label for="id_username">E-mailadres' in html
    assert '<label for="id_password">Wachtwoord' in html
    assert 'id="language-switcher"' in html
    assert 'action="/i18n/setlang/"' in html


def test_switching_to_english_translates_the_page(page_client):
    client = page_client()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    html = client.get(reverse("frontend:login")).content.decode()
    assert '<html lang="en">' in html
    assert "Log in to Koppel" in html


def test_logout_only_works_with_post_and_signs_out(cast, page_client):
    client = page_client(cast.jan)
    assert client.get(reverse("frontend:logout")).status_code == 405
    response = client.post(reverse("frontend:logout"))
    assert response.status_code == 302
    assert client.get(reverse("frontend:dashboard")).status_code == 302


def test_a_password_reset_mails_a_link_that_sets_a_new_password(
    cast, page_client, django_capture_on_commit_callbacks
):
    client = page_client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("frontend:password-reset"), {"email": cast.jan.email})
    assert response["Location"] == reverse("frontend:password-reset-done")
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/wachtwoord/reset/\S+/)", mail.outbox[0].body).group(1)
    page = client.get(link)
    assert page.status_code == 200
    response = client.post(
        link, {"new_password": "Bakkerij-2026-vers", "new_password_again": "Bakkerij-2026-vers"}
    )
    assert response["Location"] == reverse("frontend:password-reset-complete")
    cast.jan.refresh_from_db()
    assert cast.jan.check_password("Bakkerij-2026-vers")


def test_a_password_reset_for_an_unknown_address_answers_the_same_and_mails_nothing(page_client):
    response = page_client().post(reverse("frontend:password-reset"), {"email": "niemand@x.test"})
    assert response["Location"] == reverse("frontend:password-reset-done")
    assert mail.outbox == []


def test_two_different_new_passwords_are_refused_with_the_field_named(cast, page_client):
    response = page_client().post(
        reverse("frontend:password-reset-confirm", args=["MQ", "x-y"]),
        {"new_password": "Bakkerij-2026-vers", "new_password_again": "anders-2026-vers"},
    )
    html = response.content.decode()
    assert "Nieuw wachtwoord (nog een keer): De twee wachtwoorden zijn niet gelijk." in html


def test_an_invalid_reset_link_says_so(page_client):
    response = page_client().post(
        reverse("frontend:password-reset-confirm", args=["MQ", "x-y"]),
        {"new_password": "Bakkerij-2026-vers", "new_password_again": "Bakkerij-2026-vers"},
    )
    assert "ongeldig of verlopen" in response.content.decode()


def _invite(cast, email="piet@bakkerijjansen.test"):
    return invitation_create(
        organisation=cast.bakkerij,
        email=email,
        role=Role.COMPANY_CONTACT,
        actor=cast.jan,
        now=timezone.now(),
    )


def test_a_new_colleague_accepts_an_invitation_and_is_signed_in(cast, page_client):
    issued = _invite(cast)
    client = page_client()
    url = reverse("frontend:invitation-accept", args=[issued.token])
    assert "Welkom bij Bakkerij Jansen" in client.get(url).content.decode()
    response = client.post(
        url, {"first_name": "Piet", "last_name": "Jansen", "password": "Brood-en-banket-26"}
    )
    assert response["Location"] == reverse("frontend:dashboard")
    piet = User.objects.get(email="piet@bakkerijjansen.test")
    assert Membership.objects.filter(user=piet, organisation=cast.bakkerij).count() == 1
    assert client.get(reverse("frontend:dashboard")).context["user"] == piet


def test_an_invitation_without_names_keeps_the_password_out_and_names_the_fields(cast, page_client):
    issued = _invite(cast)
    response = page_client().post(
        reverse("frontend:invitation-accept", args=[issued.token]),
        {"first_name": "", "last_name": "Jansen", "password": "Brood-en-banket-26"},
    )
    html = response.content.decode()
    assert "Voornaam: Dit veld is vereist." in html
    assert 'value="Jansen"' in html
    assert not User.objects.filter(email="piet@bakkerijjansen.test").exists()


def test_an_unknown_invitation_link_says_it_does_not_work(page_client):
    response = page_client().get(reverse("frontend:invitation-accept", args=["onzin"]))
    assert response.status_code == 404
    assert "bestaat niet" in response.content.decode()


def test_a_company_signs_up_confirms_by_mail_and_lands_on_its_dashboard(
    db, page_client, django_capture_on_commit_callbacks
):
    client = page_client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("frontend:company-signup"),
            {
                "name": "Fietsenmakerij Peters",
                "kvk": "1234 5679",
                "contact_first_name": "Ria",
                "contact_last_name": "Peters",
                "contact_email": "ria@fietsen.test",
                "password": "Fietsen-maken-2026",
            },
        )
    assert response["Location"] == reverse("frontend:company-signup-done")
    assert "Check je e-mail" in client.get(response["Location"]).content.decode()
    link = re.search(r"http://[^/]+(/aanmelden/bevestigen/\S+/)", mail.outbox[0].body).group(1)
    response = client.post(link)
    assert response["Location"] == reverse("frontend:dashboard")
    assert client.get(reverse("frontend:dashboard")).status_code == 200
    organisation = Organisation.objects.get(name="Fietsenmakerij Peters")
    assert organisation.kvk == "12345679"
    ria = User.objects.get(email="ria@fietsen.test")
    assert (
        Membership.objects.filter(
            user=ria, organisation=organisation, role=Role.COMPANY_CONTACT
        ).count()
        == 1
    )


def test_a_kvk_number_with_the_wrong_format_is_refused_next_to_the_field(db, page_client):
    response = page_client().post(
        reverse("frontend:company-signup"),
        {
            "name": "Fietsenmakerij Peters",
            "kvk": "12345",
            "contact_first_name": "Ria",
            "contact_last_name": "Peters",
            "contact_email": "ria@fietsen.test",
            "password": "Fietsen-maken-2026",
        },
    )
    html = response.content.decode()
    assert "KvK-nummer: Een KvK-nummer bestaat uit precies 8 cijfers; u vulde 5 tekens in." in html
    assert 'value="Fietsenmakerij Peters"' in html
    assert not Organisation.objects.filter(name="Fietsenmakerij Peters").exists()


def test_a_kvk_number_already_registered_names_the_company(cast, page_client):
    response = page_client().post(
        reverse("frontend:company-signup"),
        {
            "name": "Nog een bakkerij",
            "kvk": cast.bakkerij.kvk,
            "contact_first_name": "Ria",
            "contact_last_name": "Peters",
            "contact_email": "ria@fietsen.test",
            "password": "Fietsen-maken-2026",
        },
    )
    assert "al geregistreerd voor Bakkerij Jansen" in response.content.decode()
    assert not User.objects.filter(email="ria@fietsen.test").exists()


def test_a_company_contact_invites_a_colleague(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:organisation-team"),
        {"email": "piet@bakkerijjansen.test", "role": Role.COMPANY_CONTACT},
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.organisation, invitation.invited_by) == (
        "piet@bakkerijjansen.test",
        cast.bakkerij,
        cast.jan,
    )


def test_an_invitation_to_a_bad_address_names_the_field(cast, page_client):
    response = page_client(cast.jan).post(
        reverse("frontend:organisation-team"), {"email": "geen-adres", "role": Role.COMPANY_CONTACT}
    )
    assert "E-mailadres van uw collega:" in response.content.decode()
    assert Invitation.objects.count() == 0


def test_the_dashboard_sorts_items_by_urgency_then_due_date_grouped_per_area():
    today = dt.date(2026, 11, 28)
    items = [
        DashboardItem(title="later", url="/a", area="offers", due=today + dt.timedelta(days=9)),
        DashboardItem(title="urgent", url="/b", area="rounds", urgency=2),
        DashboardItem(title="soon", url="/c", area="offers", due=today, urgency=1),
        DashboardItem(title="info", url="/d", area="agreements"),
    ]
    groups = grouped_items(items)
    assert [group["area"] for group in groups] == ["rounds", "offers", "agreements"]
    assert [item.title for item in groups[1]["items"]] == ["soon", "later"]


def test_the_dashboard_shows_what_waits_for_a_teacher(cast, page_client):
    from tests.factories import OfferFactory

    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Kassa koppelen",
        status="submitted",
        status_changed_at=timezone.now() - dt.timedelta(days=8),
    )
    offer.schools.set([cast.vista])
    html = page_client(cast.devries).get(reverse("frontend:dashboard")).content.decode()
    assert "Beoordeel “Kassa koppelen”" in html
    assert reverse("frontend:offer-detail", args=[offer.pk]) in html
    assert "badge-danger" in html  # eight days is past the week the school has


def test_the_menu_shows_each_role_its_own_pages(cast, page_client):
    company = page_client(cast.jan).get(reverse("frontend:dashboard")).context["nav_items"]
    teacher = page_client(cast.devries).get(reverse("frontend:dashboard")).context["nav_items"]
    company_names = {item["name"] for item in company}
    teacher_names = {item["name"] for item in teacher}
    assert "frontend:offer-list" in company_names
    assert "frontend:review-queue" not in company_names
    assert "frontend:review-queue" in teacher_names
    assert "frontend:offer-list" not in teacher_names


def test_a_refused_page_explains_itself_in_the_layout(cast, page_client):
    response = page_client(cast.sanne).get(reverse("frontend:review-queue"))
    assert response.status_code == 403
    assert "Geen toegang" in response.content.decode()


def test_signing_in_applies_the_persons_preferred_language(cast, page_client):
    User.objects.filter(pk=cast.jan.pk).update(preferred_language="en")
    client = page_client()
    client.post(reverse("frontend:login"), {"username": cast.jan.email, "password": cast.password})
    html = client.get(reverse("frontend:dashboard")).content.decode()
    assert '<html lang="en">' in html


def test_a_language_chosen_on_the_login_page_wins_over_the_preference(cast, page_client):
    User.objects.filter(pk=cast.jan.pk).update(preferred_language="en")
    client = page_client()
    client.post(reverse("set_language"), {"language": "nl", "next": "/login/"})
    client.post(reverse("frontend:login"), {"username": cast.jan.email, "password": cast.password})
    assert '<html lang="nl">' in client.get(reverse("frontend:dashboard")).content.decode()


@pytest.mark.parametrize(
    ("days", "detail", "badge"),
    [
        (0, "Bakkerij Jansen wacht sinds vandaag op een besluit", None),
        (1, "Bakkerij Jansen wacht 1 dag op een besluit", None),
        (3, "Bakkerij Jansen wacht 3 dagen op een besluit", "binnenkort"),
        (7, "Bakkerij Jansen wacht 7 dagen op een besluit", "vandaag"),
        (9, "Bakkerij Jansen wacht 9 dagen op een besluit", "te laat"),
    ],
)
def test_the_dashboard_says_how_long_an_offer_waits_with_one_badge(
    cast, page_client, days, detail, badge, time_machine
):
    from tests.factories import OfferFactory

    # Midday in Amsterdam: after 23:00 UTC the local day differs from the UTC day, and the badge
    # counts local days.
    time_machine.move_to(dt.datetime(2026, 11, 4, 11, 0, tzinfo=dt.UTC), tick=False)

    offer = OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Kassa koppelen",
        status="submitted",
        status_changed_at=timezone.now() - dt.timedelta(days=days),
    )
    offer.schools.set([cast.vista])
    html = page_client(cast.devries).get(reverse("frontend:dashboard")).content.decode()
    item = re.search(r"<li>(?:(?!</li>).)*Beoordeel “Kassa koppelen”.*?</li>", html, re.S)
    text = item.group(0)
    assert f'<span class="todo-detail">{detail}</span>' in text
    assert "dag(en)" not in text
    badges = re.findall(r'<span class="badge [^"]*">([^<]*)</span>', text)
    assert badges == ([badge] if badge else [])


def test_the_dashboard_counts_one_quiet_partner_in_the_singular(cast, page_client):
    Organisation.objects.filter(pk=cast.pixel.pk).update(
        created_at=timezone.now() - dt.timedelta(days=365)
    )
    html = page_client(cast.bos).get(reverse("frontend:dashboard")).content.decode()
    assert "1 partner hoorde al weken niets</a>" in html
    assert "partner(s)" not in html


def test_the_dashboard_counts_one_objection_in_the_singular(world, page_client):
    from backend.allocations import services as rounds
    from tests.backend.allocations.conftest import NOW, to_review

    to_review(world)
    later = NOW + dt.timedelta(days=8)
    rounds.allocation_round_publish(allocation_round=world.round, actor=world.cast.bos, now=later)
    rounds.objection_submit(
        allocation_round=world.round, student=world.cast.sanne, reason="x", now=later
    )
    html = page_client(world.cast.bos).get(reverse("frontend:dashboard")).content.decode()
    assert "1 bezwaar in Blok 3 challenges</a>" in html
    assert "bezwaren" not in html

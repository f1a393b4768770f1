"""What the user-experience review of the learning pages fixed: students are addressed with "je"
also when a form goes wrong, STARR is explained, an attachment is not marked as required, late
company feedback is urgent on the coach's dashboard, a revoked badge's message names the badge,
the badge download is explained; and what it checked: every link on the learning pages opens for
the person who sees it, and a company sees only the student's first name."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import StudentEnrolment
from backend.curriculum.models import Werkproces
from backend.learning.services.badges import badge_revoke
from backend.notifications.models import Notification
from frontend.dashboard import learning as learning_dashboard
from tests.backend.learning.activity_factories import ended_placement
from tests.backend.learning.assess_factories import assessment
from tests.backend.learning.badges_factories import issued_badge
from tests.backend.learning.factories import placement
from tests.backend.learning.feedback_factories import open_feedback
from tests.backend.learning.triads_factories import triad_series


def _html(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


@pytest.fixture
def placed(cast):
    StudentEnrolment.objects.filter(student=cast.sanne).update(coach=cast.devries)
    return placement(cast)


def test_a_refused_self_assessment_speaks_to_the_student_with_je_and_keeps_what_she_typed(
    cast, placed, page_client
):
    url = reverse("frontend:self-assessment", args=(placed.offer.pk, placed.werkprocessen[0].pk))

    response = page_client(cast.sanne).post(
        url,
        {"intent": "submit", "level": "voldoende", "situation": "Bij de bakker <b>online</b>"},
    )

    assert response.status_code == 400
    html = _html(response)
    assert "Er zijn 4 problemen met wat je invulde" in html
    assert "wat u invulde" not in html
    assert "Taak: Vul taak in voordat je indient." in html
    assert "Bij de bakker &lt;b&gt;online&lt;/b&gt;</textarea>" in html
    assert re.search(r'<input[^>]*value="voldoende"[^>]*checked', html)


def test_the_self_assessment_explains_what_starr_stands_for(cast, placed, page_client):
    url = reverse("frontend:self-assessment", args=(placed.offer.pk, placed.werkprocessen[0].pk))

    html = _html(page_client(cast.sanne).get(url))

    assert (
        '<p id="starr-explained">STARR staat voor Situatie, Taak, Actie, Resultaat en Reflectie'
        in html
    )


def test_an_attachment_is_offered_without_a_required_mark_but_adding_nothing_asks_for_a_file(
    cast, placed, page_client
):
    assessment(placed, submit=False)
    url = reverse("frontend:self-assessment", args=(placed.offer.pk, placed.werkprocessen[0].pk))
    client = page_client(cast.sanne)

    form = _html(client.get(url))
    upload_form = form[form.index('id="attachment-form"') :]
    assert "Bijlage toevoegen" in upload_form
    assert "verplicht" not in upload_form[: upload_form.index("</form>")]

    response = client.post(url, {"intent": "upload"})
    assert response.status_code == 400
    refused = _html(response)
    assert "Er is 1 probleem met wat je invulde" in refused
    assert "Bijlage toevoegen: Kies een bestand." in refused


def test_refused_activity_feedback_speaks_to_the_student_with_je_and_keeps_the_comment(
    cast, page_client
):
    ended = ended_placement(cast)

    response = page_client(cast.sanne).post(
        reverse("frontend:activity-feedback", args=(ended.offer.pk,)),
        {"learned": "4", "comment": "Leuk om te doen"},
    )

    assert response.status_code == 400
    html = _html(response)
    assert "Er is 1 probleem met wat je invulde" in html
    assert "Het bedrijf begeleidde ons goed: Kies een getal van 1 tot en met 5." in html
    assert "Leuk om te doen</textarea>" in html
    assert "wat u invulde" not in html


def test_company_feedback_past_its_date_is_urgent_on_the_coach_dashboard(cast, placed):
    open_feedback(placed, due_on=timezone.localdate() - dt.timedelta(days=3))
    today = timezone.localdate()

    items = learning_dashboard.items_for(cast.devries, now=timezone.now())

    late = [i for i in items if i.url == reverse("frontend:coach-missing-feedback")]
    assert [i.title for i in late] == ["Feedback van het bedrijf is te laat voor 1 student"]
    badge = late[0].badge(today)
    assert badge is not None
    assert badge.label == "dringend"


def test_the_coach_dashboard_and_the_pages_behind_it_count_the_same(cast, placed, page_client):
    open_feedback(placed, due_on=timezone.localdate() - dt.timedelta(days=3))
    assessment(placed)
    client = page_client(cast.devries)

    dashboard = _html(client.get(reverse("frontend:dashboard")))
    queue = _html(client.get(reverse("frontend:validation-queue")))
    missing = _html(client.get(reverse("frontend:coach-missing-feedback")))

    assert "1 zelfbeoordeling wacht op validatie" in dashboard
    assert "1 zelfbeoordeling wacht op u" in queue
    assert "Feedback van het bedrijf is te laat voor 1 student" in dashboard
    assert missing.count(reverse("frontend:student-portfolio", args=(cast.sanne.pk,))) == 1


def test_the_message_about_a_revoked_badge_names_the_badge(cast):
    badge = issued_badge(cast, "B1-K1-W2")

    badge_revoke(
        badge=badge, actor=cast.devries, reason="Per ongeluk uitgegeven.", now=timezone.now()
    )

    message = Notification.objects.get(recipient=cast.sanne, title="Je badge is ingetrokken")
    assert message.body == (
        "Je school heeft je badge voor B1-K1-W2 ingetrokken. Reden: Per ongeluk uitgegeven."
    )
    assert message.url == reverse("frontend:my-badges")


def test_the_badge_download_says_what_the_file_is_for(cast, page_client):
    issued_badge(cast, "B1-K1-W2")

    html = _html(page_client(cast.sanne).get(reverse("frontend:my-badges")))

    assert "Download de badge (JSON)" in html
    assert "Dit bestand upload je in je badge-rugzak" in html


def test_the_class_overview_says_in_plain_dutch_what_open_means(cast, placed, page_client):
    html = _html(page_client(cast.bos).get(reverse("frontend:coach-overview")))

    assert "Een werkproces is pas aangetoond (en niet meer open) als een coach of docent" in html
    assert "Open werkprocessen tellen alleen door" not in html


@pytest.fixture
def loop(cast, placed):
    """Sanne on the webshop with a submitted and a draft self-assessment, open company feedback,
    a driehoekgesprek series, a badge, and an ended activity to give feedback on."""
    p1 = placed.werkprocessen[1]
    cast.submitted = assessment(placed)
    assessment(placed, werkproces=p1, submit=False)
    cast.feedback = open_feedback(placed)
    cast.series = triad_series(
        cast, first_on=timezone.localdate() - dt.timedelta(days=3), offer=placed.offer
    )
    cast.ended = ended_placement(cast, title="Kassasysteem")
    issued_badge(cast, "B1-K1-W2")
    cast.offer = placed.offer
    return cast


PAGES = {
    "sanne": lambda c: [
        ("my-activities", ()),
        ("my-portfolio", ()),
        ("my-badges", ()),
        ("triad-list", ()),
        ("triad-detail", (c.series.pk,)),
        ("activity-feedback", (c.ended.offer.pk,)),
    ],
    "devries": lambda c: [
        ("coach-overview", ()),
        ("validation-queue", ()),
        ("validation-detail", (c.submitted.pk,)),
        ("student-portfolio", (c.sanne.pk,)),
        ("coach-missing-feedback", ()),
        ("triad-list", ()),
    ],
    "jan": lambda c: [
        ("company-feedback-list", ()),
        ("company-feedback-form", (c.feedback.pk,)),
        ("triad-list", ()),
        ("triad-detail", (c.series.pk,)),
    ],
}


@pytest.mark.parametrize("who", sorted(PAGES))
def test_every_link_on_the_learning_pages_opens_for_the_person_who_sees_it(loop, page_client, who):
    client = page_client(getattr(loop, who))
    for name, args in PAGES[who](loop):
        page = client.get(reverse(f"frontend:{name}", args=args))
        assert page.status_code == 200, name
        main = re.search(r"(?s)<main.*?</main>", page.content.decode())
        assert main is not None, name
        assert re.search(r"<h1[ >]", main.group(0)), f"{name} has no heading"
        for href in set(re.findall(r'href="(/[^"#?]*)', main.group(0))):
            if href.startswith("/static/"):
                continue
            assert client.get(href).status_code in (200, 302), f"{name}: {href}"


def test_the_company_sees_only_the_students_first_name_on_every_learning_page(loop, page_client):
    client = page_client(loop.jan)
    for name, args in PAGES["jan"](loop):
        html = client.get(reverse(f"frontend:{name}", args=args)).content.decode()
        assert "Sanne" in html, name
        assert loop.sanne.last_name not in html, name
        assert loop.sanne.email not in html, name


def test_the_shared_driehoekgesprek_form_says_je_to_the_student_and_u_to_the_mentor(
    cast, page_client
):
    today = timezone.localdate()
    series = triad_series(cast, first_on=today - dt.timedelta(days=7), interval_days=7, count=2)
    conversation = series.conversations.order_by("planned_on").first()
    url = reverse("frontend:triad-conversation", args=[conversation.pk])
    future = {"held_on": (today + dt.timedelta(days=3)).isoformat(), "notes": "Goed gesprek"}

    as_sanne = _html(page_client(cast.sanne).post(url, future))
    as_jan = _html(page_client(cast.jan).post(url, future))

    assert "Er is 1 probleem met wat je invulde" in as_sanne
    assert "Er is 1 probleem met wat u invulde" in as_jan


def test_a_portfolio_without_werkprocessen_says_so_instead_of_all_demonstrated(cast, page_client):
    Werkproces.objects.filter(kerntaak__dossier=cast.ict_niveau2.dossier).delete()

    html = _html(page_client(cast.sanne).get(reverse("frontend:my-portfolio")))

    assert "Voor je opleiding staan nog geen werkprocessen in Koppel." in html
    assert "Je hebt alle werkprocessen aangetoond." not in html

"""Allocation round pages: each role gets only its own pages, and the pages call the same
services as the API (choose with positions and ↑/↓ without JavaScript, run with a progress
partial, publish, explanation, objections, company teams)."""

from dataclasses import replace

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.allocations import services
from backend.allocations.models import AllocationRun, Assignment, ChoiceList, Objection, Phase
from backend.offers.models import OfferStatus
from tests.allocation_rounds import make_round
from tests.factories import OfferFactory
from tests.frontend.role_access import rounds as round_access

pytestmark = pytest.mark.django_db


def _round(cast):
    return {"round_id": make_round(cast).pk}


def _reviewed(cast):
    cast.extra = []
    allocation_round = make_round(cast, phase=Phase.REVIEW)
    return allocation_round


def _run(cast):
    allocation_round = _reviewed(cast)
    return {"round_id": allocation_round.pk, "run_id": allocation_round.run.pk}


def _run_action(cast):
    return {**_run(cast), "action": "retry"}


def _assignment(cast):
    allocation_round = _reviewed(cast)
    return {"round_id": allocation_round.pk, "student_id": cast.sanne.pk, "action": "lock"}


def _objection(cast):
    cast.extra = []
    allocation_round = make_round(cast, phase=Phase.PUBLISHED)
    objection = services.objection_submit(
        allocation_round=allocation_round, student=cast.sanne, reason="Liever iets anders"
    )
    return {"round_id": allocation_round.pk, "objection_id": objection.pk}


# Who may open which page comes from the site-wide table; here the pages get rounds built
# through the services and taken further (a real run, a published round), so they show real data.
ROUND_KWARGS = {
    "frontend:round-detail": _round,
    "frontend:round-action": lambda cast: {**_round(cast), "action": "close-choices"},
    "frontend:round-run-start": _round,
    "frontend:round-run-progress": _run,
    "frontend:round-run-action": _run_action,
    "frontend:round-assignment-action": _assignment,
    "frontend:round-compare": _round,
    "frontend:round-unassigned": _round,
    "frontend:round-export": lambda cast: {**_round(cast), "by": "class"},
    "frontend:round-objections": _round,
    "frontend:round-objection-decide": _objection,
    "frontend:round-student": _round,
}
PAGES = {
    name: replace(page, kwargs=ROUND_KWARGS.get(name, page.kwargs))
    for name, page in round_access.PAGES.items()
}

ROLE_USERS = {"company": "jan", "teacher": "devries", "coordinator": "bos", "student": "sanne"}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_role_gets_only_its_own_round_pages(name, cast, page_client):
    page = PAGES[name]
    url = reverse(name, kwargs=page.kwargs(cast))
    before = (
        Assignment.objects.count(),
        ChoiceList.objects.count(),
        AllocationRun.objects.count(),
        Objection.objects.count(),
    )
    for role, attribute in ROLE_USERS.items():
        response = page_client(getattr(cast, attribute)).get(url)
        if role in page.roles:
            assert response.status_code in (200, 302, 405), (
                f"{role} on {name}: {response.status_code}"
            )
        else:
            assert response.status_code == 403, f"{role} should be refused {name}"
    anonymous = page_client().get(url)
    assert anonymous.status_code == 302
    assert reverse("frontend:login") in anonymous["Location"]
    after = (
        Assignment.objects.count(),
        ChoiceList.objects.count(),
        AllocationRun.objects.count(),
        Objection.objects.count(),
    )
    assert after == before


def test_refused_posts_change_nothing(people, page_client):
    allocation_round = make_round(people)
    # Other roles are refused by the role check; another school's coordinator is told the round
    # does not exist (issue 10: a foreign id answers like a missing one).
    for user, status in (
        (people.devries, 403),
        (people.sanne, 403),
        (people.jan, 403),
        (people.peters, 404),
    ):
        response = page_client(user).post(
            reverse("frontend:round-action", args=[allocation_round.pk, "close-choices"])
        )
        assert response.status_code == status, user
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.CHOOSING


def test_another_schools_coordinator_is_refused_the_round(people, page_client):
    """Another school's round answers like one that does not exist (404)."""
    allocation_round = make_round(people)
    assert (
        page_client(people.peters)
        .get(reverse("frontend:round-detail", args=[allocation_round.pk]))
        .status_code
        == 404
    )
    assert (
        page_client(people.ahmed)
        .get(reverse("frontend:round-student", args=[allocation_round.pk]))
        .status_code
        == 404
    )


def test_a_coordinator_creates_a_round_and_sees_what_is_wrong(people, page_client):
    client = page_client(people.bos)
    offer = OfferFactory(
        owner=people.pixel,
        contact=people.eva,
        status=OfferStatus.PUBLISHED,
        title="App",
        schools=[people.vista],
    )
    data = {
        "name": "Blok 4",
        "school": people.vista.pk,
        "challenges": [offer.pk],
        "min_choices": 3,
        "max_choices": 2,
        "choices_close_at": "2030-03-01T12:00",
        "objections_close_at": "2030-03-15T12:00",
    }
    response = client.post(reverse("frontend:round-create"), data)
    assert response.status_code == 200
    assert "Het maximum mag niet kleiner zijn dan het minimum." in response.content.decode()
    assert 'value="Blok 4"' in response.content.decode()
    response = client.post(
        reverse("frontend:round-create"), {**data, "max_choices": 5, "cohorts": "20x5"}
    )
    assert "Geef jaartallen, bijvoorbeeld 2024, 2025." in response.content.decode()
    response = client.post(
        reverse("frontend:round-create"),
        {**data, "max_choices": 5, "cohorts": "2025", "kwalificaties": [people.ict_niveau2.pk]},
    )
    assert response.status_code == 302
    from backend.allocations.models import AllocationRound

    created = AllocationRound.objects.get(name="Blok 4")
    assert (created.cohorts, list(created.kwalificaties.all())) == ([2025], [people.ict_niveau2])
    detail = client.get(response["Location"]).content.decode()
    assert "Blok 4" in detail
    assert "Keuzes openen voor studenten" in detail


def test_a_student_ranks_with_positions_and_arrow_buttons_without_javascript(people, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    url = reverse("frontend:round-student", args=[allocation_round.pk])
    page = client.get(url).content.decode()
    assert "Webshop voor Bakkerij Jansen" in page
    assert "App voor Pixelfabriek" in page
    # Numbers in the boxes, then ↓ on the first: the server reorders and shows the list again.
    positions = {
        f"position-{allocation_round.webshop.pk}": "1",
        f"position-{allocation_round.app.pk}": "2",
    }
    moved = client.post(
        url, {"form": "choices", **positions, "move": f"down:{allocation_round.webshop.pk}"}
    ).content.decode()
    assert moved.index("App voor Pixelfabriek") < moved.index("Webshop voor Bakkerij Jansen")
    assert not ChoiceList.objects.exists()
    saved = client.post(
        url,
        {
            "form": "choices",
            f"position-{allocation_round.app.pk}": "1",
            f"position-{allocation_round.webshop.pk}": "2",
        },
    )
    assert saved.status_code == 302
    assert list(
        ChoiceList.objects.get().choices.order_by("position").values_list("offer__title", flat=True)
    ) == [
        "App voor Pixelfabriek",
        "Webshop voor Bakkerij Jansen",
    ]


def test_a_student_sees_the_validation_message_and_keeps_the_order(people, page_client):
    allocation_round = make_round(people)
    client = page_client(people.sanne)
    response = client.post(
        reverse("frontend:round-student", args=[allocation_round.pk]), {"form": "choices"}
    )
    body = response.content.decode()
    assert "Kies minstens 1 uitdagingen; je koos er 0." in body
    assert not ChoiceList.objects.exists()


def test_the_progress_partial_polls_every_second_while_a_run_is_active(people, page_client):
    allocation_round = make_round(people)
    services.allocation_round_close_choosing(
        allocation_round=allocation_round, actor=people.bos, now=timezone.now()
    )
    run = services.allocation_run_start(
        allocation_round=allocation_round, actor=people.bos
    )  # queued: on_commit does not fire in a test
    AllocationRun.objects.filter(pk=run.pk).update(status="running", stage="solving", percent=40)
    client = page_client(people.bos)
    detail = client.get(
        reverse("frontend:round-detail", args=[allocation_round.pk])
    ).content.decode()
    assert 'hx-trigger="every 1s"' in detail
    partial = client.get(
        reverse("frontend:round-run-progress", args=[allocation_round.pk, run.pk])
    ).content.decode()
    assert 'value="40"' in partial
    assert "indeling berekenen" in partial  # the step in words, not the engine's "solving"
    assert "solving" not in partial
    assert 'hx-trigger="every 1s"' in partial
    services.allocation_run_execute(run_id=run.pk)  # already claimed elsewhere: nothing happens
    AllocationRun.objects.filter(pk=run.pk).update(status="succeeded", percent=100)
    done = client.get(
        reverse("frontend:round-run-progress", args=[allocation_round.pk, run.pk]),
        HTTP_HX_REQUEST="true",
    )
    assert "every 1s" not in done.content.decode()
    assert done["HX-Refresh"] == "true"


def test_the_dashboard_shows_charts_and_fairness_and_publishes(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    client = page_client(people.bos)
    page = client.get(reverse("frontend:round-detail", args=[allocation_round.pk])).content.decode()
    assert page.count("<svg") >= 3  # the logo plus two charts
    assert "Welke keus kregen de studenten" in page
    assert "Bezetting per uitdaging" in page
    assert "Eerlijkheid per groep" in page
    assert (
        client.post(
            reverse("frontend:round-action", args=[allocation_round.pk, "publish"])
        ).status_code
        == 302
    )
    allocation_round.refresh_from_db()
    assert allocation_round.phase == Phase.PUBLISHED


def test_a_student_sees_the_assignment_explanation_and_team_and_objects(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    assignment = Assignment.objects.filter(
        round=allocation_round, offer=allocation_round.app
    ).first()
    user = assignment.student
    client = page_client(user)
    url = reverse("frontend:round-student", args=[allocation_round.pk])
    page = client.get(url).content.decode()
    assert "Je bent ingedeeld bij &#x27;App voor Pixelfabriek&#x27;, je 2e keus." in page
    assert (
        "Je 1e keus &#x27;Webshop voor Bakkerij Jansen&#x27; was vol: gevuld door studenten die hem als 1e keus hadden."
        in page
    )
    teammate = (
        Assignment.objects.filter(round=allocation_round, offer=allocation_round.app)
        .exclude(student=user)
        .get()
        .student
    )
    assert teammate.first_name in page
    assert teammate.last_name not in page
    assert client.post(url, {"form": "objection", "reason": "Ik wil de webshop"}).status_code == 302
    assert Objection.objects.get().reason == "Ik wil de webshop"


def test_the_coordinator_decides_objections_on_the_page(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    objection = services.objection_submit(
        allocation_round=allocation_round, student=people.sanne, reason="Te ver"
    )
    client = page_client(people.bos)
    page = client.get(
        reverse("frontend:round-objections", args=[allocation_round.pk])
    ).content.decode()
    assert "Te ver" in page
    url = reverse("frontend:round-objection-decide", args=[allocation_round.pk, objection.pk])
    client.post(url, {"decision": "decline", "answer": ""})
    objection.refresh_from_db()
    assert objection.status == "open"
    client.post(url, {"decision": "decline", "answer": "Er is geen plek."})
    objection.refresh_from_db()
    assert (objection.status, objection.answer) == ("declined", "Er is geen plek.")


def test_a_company_sees_its_team_with_first_names_only(people, page_client):
    allocation_round = make_round(people, phase=Phase.PUBLISHED)
    member = Assignment.objects.get(round=allocation_round, offer=allocation_round.webshop).student
    page = page_client(people.jan).get(reverse("frontend:round-teams")).content.decode()
    assert "Webshop voor Bakkerij Jansen" in page
    assert member.first_name in page
    assert member.last_name not in page
    assert "App voor Pixelfabriek" not in page


def test_exports_download_as_csv(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    response = page_client(people.devries).get(
        reverse("frontend:round-export", args=[allocation_round.pk, "challenge"])
    )
    assert response["Content-Type"].startswith("text/csv")
    # The header, three placed students and the one without a place.
    assert len(response.content.decode().strip().splitlines()) == 5


def test_the_assignment_table_can_be_searched(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    member = Assignment.objects.get(round=allocation_round, offer=allocation_round.webshop).student
    client = page_client(people.bos)
    page = client.get(
        reverse("frontend:round-detail", args=[allocation_round.pk]), {"q": "Webshop"}
    ).content.decode()
    assert 'id="students-range">1 student gevonden · 1 op deze pagina' in page
    assert member.get_full_name() in page


def test_an_assignment_action_never_redirects_to_another_site(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    response = page_client(people.bos).post(
        reverse(
            "frontend:round-assignment-action", args=[allocation_round.pk, people.sanne.pk, "lock"]
        ),
        {"next": "https://evil.example/phish"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:round-detail", args=[allocation_round.pk])


def test_an_override_with_a_malformed_challenge_says_what_to_do(people, page_client):
    allocation_round = make_round(people, phase=Phase.REVIEW)
    before = list(
        Assignment.objects.filter(round=allocation_round).values_list("student_id", "offer_id")
    )
    response = page_client(people.bos).post(
        reverse(
            "frontend:round-assignment-action",
            args=[allocation_round.pk, people.sanne.pk, "override"],
        ),
        {"offer": "not-a-number"},
        follow=True,
    )
    assert response.status_code == 200
    assert "Kies een uitdaging." in response.content.decode()
    assert (
        list(
            Assignment.objects.filter(round=allocation_round).values_list("student_id", "offer_id")
        )
        == before
    )

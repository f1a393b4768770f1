"""The badge pages: the student's list and publishing, issuing and revoking by the school, and the
public documents (404 until published, 410 once revoked)."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.learning.models import Badge
from backend.learning.services.badges import badge_publish, badge_revoke
from tests.backend.learning.badges_factories import issued_badge, validated, werkproces

SITE = "http://testserver"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def _messages(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_the_student_sees_their_badges_with_publish_and_the_public_link(cast, page_client):
    private = issued_badge(cast, "B1-K1-W1", published=False)
    public = issued_badge(cast, "B1-K1-W2", published=True)

    response = page_client(cast.sanne).get(reverse("frontend:my-badges"))

    html = response.content.decode()
    assert response.status_code == 200
    assert reverse("frontend:badge-publish", args=[private.uid]) in html
    assert f"{SITE}/badges/{public.uid}/" in html  # the public link
    assert f"{SITE}/badges/{public.uid}.json" in html  # the JSON download
    assert f"{SITE}/badges/{private.uid}/" not in html  # not public: no link
    assert "niet openbaar" in html


def test_the_badge_list_takes_a_fixed_number_of_queries(
    cast, page_client, django_assert_num_queries
):
    client = page_client(cast.sanne)
    issued_badge(cast, "B1-K1-W1")
    client.get(reverse("frontend:my-badges"))  # warm the session and role caches
    with django_assert_num_queries(4) as one:
        client.get(reverse("frontend:my-badges"))
    issued_badge(cast, "B1-K1-W2")
    issued_badge(cast, "P1-K1-W1")
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse("frontend:my-badges"))
    assert response.content.decode().count('class="card stack badge-card"') == 3


def test_another_student_sees_none_of_sannes_badges(cast, page_client):
    badge = issued_badge(cast, published=False)

    response = page_client(cast.ahmed).get(reverse("frontend:my-badges"))

    assert str(badge.uid) not in response.content.decode()
    publish = page_client(cast.ahmed).post(
        reverse("frontend:badge-publish", args=[badge.uid]), {"published": "1"}
    )
    assert publish.status_code == 404
    badge.refresh_from_db()
    assert badge.published_at is None


def test_the_student_publishes_and_hides_a_badge(cast, page_client):
    badge = issued_badge(cast, published=False)
    client = page_client(cast.sanne)
    url = reverse("frontend:badge-publish", args=[badge.uid])

    response = client.post(url, {"published": "1"}, follow=True)
    badge.refresh_from_db()
    assert badge.published_at is not None
    assert "Je badge is openbaar. Iedereen met de link kan hem zien." in _messages(response)
    assert (
        page_client().get(reverse("frontend:badge-assertion", args=[badge.uid])).status_code == 200
    )

    client.post(url, {"published": "0"})
    badge.refresh_from_db()
    assert badge.published_at is None
    assert (
        page_client().get(reverse("frontend:badge-assertion", args=[badge.uid])).status_code == 404
    )
    assert client.get(url).status_code == 405


def test_staff_issue_a_badge_from_the_portfolio(cast, page_client):
    validated(cast, "B1-K1-W1")
    wp = werkproces(cast, "B1-K1-W1")

    response = page_client(cast.devries).post(
        reverse("frontend:badge-issue", args=[cast.sanne.pk]), {"werkproces": wp.pk}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:student-portfolio", args=[cast.sanne.pk])
    badge = Badge.objects.get()
    assert badge.werkproces == wp
    assert badge.issued_by == cast.devries


def test_issuing_shows_why_it_was_refused(cast, page_client):
    validated(cast, "B1-K1-W1", is_validated=False)
    wp = werkproces(cast, "B1-K1-W1")
    client = page_client(cast.bos)
    url = reverse("frontend:badge-issue", args=[cast.sanne.pk])

    not_validated = client.post(url, {"werkproces": wp.pk}, follow=True)
    foreign = client.post(
        url, {"werkproces": werkproces(cast, "B1-K1-W1", cast.ict_niveau4).pk}, follow=True
    )
    garbage = client.post(url, {"werkproces": "1; DROP TABLE", "kerntaak": ""}, follow=True)

    assert (
        "Werkproces B1-K1-W1 is nog niet aangetoond: er is geen gevalideerd bewijs op niveau "
        "voldoende of goed." in _messages(not_validated)
    )
    assert any("hoort niet bij de kwalificatie" in m for m in _messages(foreign))
    assert "Kies één werkproces of één kerntaak voor de badge." in _messages(garbage)
    assert not Badge.objects.exists()


def test_staff_of_another_school_cannot_issue_for_sanne(cast, page_client):
    validated(cast, "B1-K1-W1")

    response = page_client(cast.peters).post(
        reverse("frontend:badge-issue", args=[cast.sanne.pk]),
        {"werkproces": werkproces(cast, "B1-K1-W1").pk},
    )

    assert response.status_code == 404
    assert not Badge.objects.exists()


def test_staff_revoke_a_badge_with_a_reason(cast, page_client):
    badge = issued_badge(cast)
    client = page_client(cast.devries)
    url = reverse("frontend:badge-revoke", args=[badge.uid])

    page = client.get(url)
    assert page.status_code == 200
    assert "data-confirm" in page.content.decode()

    empty = client.post(url, {"reason": ""})
    assert "Vul in waarom de badge wordt ingetrokken." in empty.content.decode()
    badge.refresh_from_db()
    assert badge.revoked_at is None

    done = client.post(url, {"reason": "Het bewijs bleek van een ander"}, follow=True)
    badge.refresh_from_db()
    assert badge.revoked_at is not None
    assert badge.revocation_reason == "Het bewijs bleek van een ander"
    assert "De badge is ingetrokken." in _messages(done)


def test_staff_of_another_school_cannot_see_or_revoke_the_badge(cast, page_client):
    badge = issued_badge(cast)
    url = reverse("frontend:badge-revoke", args=[badge.uid])

    assert page_client(cast.peters).get(url).status_code == 404
    assert page_client(cast.peters).post(url, {"reason": "Weg"}).status_code == 404
    badge.refresh_from_db()
    assert badge.revoked_at is None


def test_the_verify_page_shows_first_name_what_issuer_date_and_status(cast, page_client):
    badge = issued_badge(cast)

    response = page_client().get(reverse("frontend:badge-verify", args=[badge.uid]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Sanne" in html
    assert cast.sanne.last_name not in html
    assert cast.sanne.email not in html
    assert "Werkproces B1-K1-W1" in html
    assert "Vista college" in html
    assert timezone.localtime(badge.issued_at).strftime("%Y") in html
    assert 'id="badge-status">geldig<' in html


def test_the_verify_page_of_a_revoked_badge_says_revoked(cast, page_client):
    badge = issued_badge(cast)
    badge_revoke(badge=badge, actor=cast.devries, reason="Fraude met bewijs", now=timezone.now())

    html = page_client().get(reverse("frontend:badge-verify", args=[badge.uid])).content.decode()

    assert 'id="badge-status">ingetrokken<' in html
    assert "Fraude met bewijs" in html


def test_an_unpublished_badge_is_not_public_anywhere(cast, page_client):
    badge = issued_badge(cast, published=False)

    assert page_client().get(reverse("frontend:badge-verify", args=[badge.uid])).status_code == 404
    assert (
        page_client().get(reverse("frontend:badge-assertion", args=[badge.uid])).status_code == 404
    )
    # Not even for staff of the school or the student: the public URL is the public view.
    assert (
        page_client(cast.devries)
        .get(reverse("frontend:badge-assertion", args=[badge.uid]))
        .status_code
        == 404
    )


def test_the_assertion_is_served_as_json_ld(cast, page_client):
    badge = issued_badge(cast)

    response = page_client().get(reverse("frontend:badge-assertion", args=[badge.uid]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/ld+json; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    document = json.loads(response.content)
    assert document["id"] == f"{SITE}/badges/{badge.uid}.json"
    assert document["type"] == "Assertion"
    assert document["recipient"]["identity"] == badge.recipient_hash


def test_a_revoked_assertion_answers_410_with_the_reason(cast, page_client):
    badge = issued_badge(cast)
    badge_revoke(badge=badge, actor=cast.bos, reason="Verkeerde student", now=timezone.now())

    response = page_client().get(reverse("frontend:badge-assertion", args=[badge.uid]))

    assert response.status_code == 410
    assert json.loads(response.content) == {
        "@context": "https://w3id.org/openbadges/v2",
        "id": f"{SITE}/badges/{badge.uid}.json",
        "type": "Assertion",
        "revoked": True,
        "revocationReason": "Verkeerde student",
    }
    # The student may still hide it: then it is simply not public any more.
    badge_publish(badge=badge, actor=cast.sanne, published=False, now=timezone.now())
    assert (
        page_client().get(reverse("frontend:badge-assertion", args=[badge.uid])).status_code == 404
    )


def test_the_badge_class_and_issuer_are_public_json(cast, page_client):
    badge = issued_badge(cast)
    class_url = reverse(
        "frontend:badge-class", args=[cast.vista.pk, cast.ict_niveau2.pk, "B1-K1-W1"]
    )

    badge_class = page_client().get(class_url)
    issuer = page_client().get(reverse("frontend:badge-issuer", args=[cast.vista.pk]))

    assert badge_class.status_code == 200
    assert badge_class["Content-Type"] == "application/ld+json; charset=utf-8"
    assert (
        json.loads(badge_class.content)["issuer"] == f"{SITE}/badges/uitgevers/{cast.vista.pk}.json"
    )
    assert json.loads(issuer.content)["name"] == "Vista college"
    assert badge.school == cast.vista


@pytest.mark.parametrize("code", ["B1-K1-W2", "X1-K1-W1", "B1-K1-W1x", "..%2F"])
def test_an_unknown_badge_class_is_404(cast, page_client, code):
    issued_badge(cast)
    url = f"/badges/klassen/{cast.vista.pk}/{cast.ict_niveau2.pk}/{code}.json"
    assert page_client().get(url).status_code == 404


def test_a_school_that_issued_nothing_has_no_issuer_profile(cast, page_client):
    issued_badge(cast)
    assert (
        page_client().get(reverse("frontend:badge-issuer", args=[cast.gilde.pk])).status_code == 404
    )
    assert (
        page_client().get(reverse("frontend:badge-issuer", args=[cast.bakkerij.pk])).status_code
        == 404
    )


def test_the_badge_image_is_svg_with_the_title_of_the_kwalificatie(cast, page_client):
    url = reverse("frontend:badge-image", args=["B1-K1-W1"])

    response = page_client().get(url, {"kwalificatie": cast.ict_niveau2.pk})
    without = page_client().get(url)
    bad = page_client().get(reverse("frontend:badge-image", args=["<script>"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "Werkproces B1-K1-W1" in response.content.decode()
    assert without.status_code == 200
    assert "B1-K1-W1" in without.content.decode()
    assert bad.status_code == 404

"""Page parameters that are no id are ignored, never a server error (int("²") raised)."""

from django.urls import reverse


def test_the_coverage_page_ignores_a_programme_that_is_no_number(cast, page_client):
    response = page_client(cast.devries).get(reverse("frontend:coverage"), {"opleiding": "²"})

    assert response.status_code == 200
    assert response.context["report"] is None

"""The students API sorts by (last_name, first_name, user id), which an index on accounts_user
serves, and pages: a page costs the same queries at 3 and 30 students."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from backend.accounts.models import User
from tests.factories import student

pytestmark = pytest.mark.django_db


def _client(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_user_table_has_the_index_the_student_list_sorts_by():
    indexes = {index.name: index.fields for index in User._meta.indexes}
    assert indexes["user_name_order"] == ["last_name", "first_name", "id"]


def test_the_students_are_listed_by_last_name_first_name_then_id(cast):
    second_jansen = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Anna")
    first_jansen = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Anna")
    bakker = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Zoë")
    User.objects.filter(pk__in=[first_jansen.pk, second_jansen.pk]).update(last_name="Jansen")
    User.objects.filter(pk=bakker.pk).update(last_name="Bakker")

    body = _client(cast.devries).get(reverse("api:student-list"), {"page_size": 200}).json()
    names = [(row["last_name"], row["id"]) for row in body["results"]]
    ours = [n for n in names if n[1] in {first_jansen.pk, second_jansen.pk, bakker.pk}]

    assert ours == [
        ("Bakker", bakker.pk),
        ("Jansen", min(first_jansen.pk, second_jansen.pk)),
        ("Jansen", max(first_jansen.pk, second_jansen.pk)),
    ]
    assert [n[0] for n in names] == sorted(n[0] for n in names)


def test_the_student_list_is_paged_and_costs_the_same_at_3_and_30_students(
    cast, django_assert_max_num_queries
):
    client = _client(cast.devries)
    url = reverse("api:student-list")
    client.get(url)  # warm up once
    counts = []
    for total in (3, 30):
        while len(User.objects.filter(enrolment__school=cast.vista)) < total:
            student(school=cast.vista, kwalificatie=cast.ict_niveau2)
        with django_assert_max_num_queries(10) as captured:
            body = client.get(url, {"page_size": 2}).json()
        counts.append(len(captured.captured_queries))
        assert body["count"] == total
        assert len(body["results"]) == 2
    assert counts[0] == counts[1]

"""bench/region.py fills the stored counts of the round challenges it bulk-loads (the choices
are COPYed in, past the services): every stored count equals a fresh count.

PostgreSQL only (the builder COPYs rows in); skipped on SQLite.
"""

import pytest
from django.db.models import Count

from backend.allocations.models import Assignment, Choice, RoundChallenge
from bench.region import build_region

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]


def _per(queryset, *keys):
    return {
        (*row[:-1],): row[-1]
        for row in queryset.values(*keys).annotate(n=Count("pk")).order_by().values_list(*keys, "n")
    }


def test_the_stored_counts_equal_a_fresh_count(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    build_region(students=300, seed=7)
    chosen = _per(Choice.objects.all(), "choice_list__round_id", "offer_id")
    first = _per(Choice.objects.filter(position=1), "choice_list__round_id", "offer_id")
    assigned = _per(Assignment.objects.all(), "round_id", "offer_id")
    rows = RoundChallenge.objects.values_list(
        "round_id", "offer_id", "choice_count", "first_choice_count", "assigned_count"
    )
    assert sum(row[2] for row in rows) == Choice.objects.count() > 0
    assert sum(row[4] for row in rows) == Assignment.objects.count() > 0
    for round_id, offer_id, n_chosen, n_first, n_assigned in rows:
        key = (round_id, offer_id)
        assert (n_chosen, n_first, n_assigned) == (
            chosen.get(key, 0),
            first.get(key, 0),
            assigned.get(key, 0),
        ), key

"""bench/region.py at 300 students: the counts and the invariants the web benchmark relies on.

PostgreSQL only (the builder COPYs rows in); skipped on SQLite.
"""

from collections import Counter

import pytest
from django.db.models import Count
from django.utils import timezone

from backend.accounts.models import StudentEnrolment
from backend.allocations import engine_adapter
from backend.allocations.models import (
    AllocationRound,
    AllocationRun,
    Assignment,
    Choice,
    ChoiceList,
    RoundChallenge,
)
from backend.allocations.selectors.snapshot import round_snapshot
from backend.offers.models import Offer, OfferTransition, WerkprocesMapping
from backend.organisations.models import Organisation
from bench.region import build_region

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db]

STUDENTS = 300


@pytest.fixture
def region(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return build_region(students=STUDENTS, seed=7)


def test_counts(region):
    # 300 students: 3 schools, 15 companies, 30 published challenges, 5 in the review backlog.
    assert Organisation.objects.filter(kind="school").count() == 3
    assert Organisation.objects.filter(kind="company").count() == 15
    assert Offer.objects.filter(status="published").count() == 30
    assert Offer.objects.filter(status="submitted").count() == 5
    assert StudentEnrolment.objects.count() == STUDENTS
    # A status history per offer: three steps to published, one to submitted.
    assert OfferTransition.objects.count() == 30 * 3 + 5
    assert WerkprocesMapping.objects.count() == 30 * 3
    choosing = AllocationRound.objects.get(phase="choosing")
    per_list = Counter(
        ChoiceList.objects.filter(round=choosing)
        .annotate(n=Count("choices"))
        .values_list("n", flat=True)
    )
    assert sum(per_list.values()) == STUDENTS
    assert set(per_list) <= {7, 8}
    assert region.choosing_round_id == choosing.pk
    # Inside the test's transaction the builder can only ANALYZE; on its own it VACUUMs too.
    assert set(region.timings) >= {"ANALYZE", "total"}


def test_rounds_and_assignments(region):
    assert list(AllocationRound.objects.values_list("phase", flat=True).order_by("phase")) == [
        "choosing",
        "published",
    ]
    published = AllocationRound.objects.get(phase="published")
    assert published.pk == region.published_round_id
    run = AllocationRun.objects.get(round=published)
    assert run.status == "succeeded"
    assert published.applied_run_id == run.pk
    assert engine_adapter.verify(run.problem or {}, run.result or {}) == []
    assignments = Assignment.objects.filter(round=published)
    assert assignments.exists()
    assert assignments.filter(student_id=region.published_student_id).exists()
    # Never more students on a challenge than its team holds; teams of 2-6.
    held = Counter(assignments.values_list("offer_id", flat=True))
    capacity = dict(Offer.objects.values_list("pk", "max_students"))
    assert all(n <= capacity[offer] for offer, n in held.items())
    assert set(Offer.objects.values_list("max_students", flat=True)) <= {2, 3, 4, 5, 6}
    # The company contact asked for in the benchmark hosts a placed student.
    assert Offer.objects.filter(pk__in=held, contact_id=region.company_contact_id).exists()


@pytest.mark.parametrize("phase", ["choosing", "published"])
def test_every_choice_is_eligible_and_in_its_round(region, phase):
    allocation_round = AllocationRound.objects.get(phase=phase)
    snapshot = round_snapshot(allocation_round, today=timezone.localdate())
    students = {s.user_id: s for s in snapshot.students}
    challenges = {c.offer_id: c for c in snapshot.challenges}
    in_round = set(
        RoundChallenge.objects.filter(round=allocation_round).values_list("offer_id", flat=True)
    )
    pairs = list(
        Choice.objects.filter(choice_list__round=allocation_round).values_list(
            "choice_list__student_id", "offer_id"
        )
    )
    assert pairs
    for student, offer in pairs:
        assert offer in in_round
        assert student in students, f"student {student} does not take part in {phase}"
        assert engine_adapter.ineligibility(students[student], challenges[offer]) is None

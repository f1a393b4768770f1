import datetime as dt

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client

from backend.accounts.models import Role, StudentEnrolment, User
from backend.agreements.models import Agreement, AgreementStatus
from backend.curriculum.models import WerkprocesEvidence
from backend.demo import loader as demo
from backend.offers.models import Offer, OfferKind, OfferStatus, OfferTransition, WerkprocesMapping
from backend.offers.selectors import offer_target_school_ids
from backend.organisations.models import CertificatePolicy, Consortium, Organisation

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


def row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {
            "accounts",
            "organisations",
            "curriculum",
            "offers",
            "allocations",
            "agreements",
            "engagement",
            "notifications",
        }
    }


@pytest.mark.django_db(transaction=False)
def test_load_demo_builds_three_scenarios_with_a_working_login_per_role(capsys, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)

    call_command("load_demo")
    first_output = capsys.readouterr().out

    assert set(Consortium.objects.values_list("name", flat=True)) == {
        "Digiwise Limburg",
        "Media Innovatie Campus",
        "GLR Bedrijvennetwerk",
    }
    assert 600 <= StudentEnrolment.objects.count() <= 1000
    assert Organisation.objects.companies().count() >= 80
    for consortium in Consortium.objects.all():
        statuses = set(Offer.objects.filter(consortium=consortium).values_list("status", flat=True))
        assert statuses == set(OfferStatus.values), consortium.name
    assert set(Offer.objects.values_list("kind", flat=True)) == set(OfferKind.values)
    # Every offer that left draft has its history; rejections carry a reason the company sees.
    for offer in Offer.objects.exclude(status=OfferStatus.DRAFT).prefetch_related("transitions"):
        history = list(offer.transitions.all())
        assert history[0].from_status == OfferStatus.DRAFT
        assert history[-1].to_status == offer.status
        assert all(t.at <= NOW for t in history)
    assert not OfferTransition.objects.filter(offer__status=OfferStatus.DRAFT).exists()
    assert all(
        "Geen leerwaarde" in reason
        for reason in Offer.objects.filter(status=OfferStatus.REJECTED).values_list(
            "rejection_reason", flat=True
        )
    )
    assert WerkprocesMapping.objects.filter(offer__status=OfferStatus.PUBLISHED).exists()
    assert WerkprocesMapping.objects.filter(offer__status=OfferStatus.RUNNING).exists()
    assert WerkprocesEvidence.objects.filter(student__email="student@digiwise.demo").exists()
    vista = Organisation.objects.get(name="Vista college")
    gilde = Organisation.objects.get(name="Gilde Opleidingen")
    assert CertificatePolicy.objects.filter(organisation=vista, certificate="VOG").exists()
    assert not CertificatePolicy.objects.filter(organisation=gilde).exists()
    # Agreements in every state, each about an offer its school was offered (issue 10).
    from_offers = Agreement.objects.filter(offer__isnull=False).prefetch_related("parties")
    assert {a.status for a in from_offers} == set(AgreementStatus.values)
    for agreement in from_offers:
        schools = {p.organisation_id for p in agreement.parties.all() if p.role == "school"}
        assert schools <= offer_target_school_ids(agreement.offer), agreement.title

    for role in Role.values:
        email = {
            Role.STUDENT: "student",
            Role.TEACHER: "docent",
            Role.COACH: "coach",
            Role.COORDINATOR: "coordinator",
            Role.COMPANY_CONTACT: "bedrijf",
            Role.PROGRAMME_LEAD: "programmaleider",
            Role.INSTITUTION_ADMIN: "beheerder",
            Role.PRIVACY_OFFICER: "privacy",
        }[role]
        for domain in ("digiwise.demo", "mica.demo", "glr.demo"):
            user = User.objects.get(email=f"{email}@{domain}")
            assert user.memberships.filter(role=role).exists()
            assert Client().login(email=user.email, password=demo.PASSWORD), user.email
            assert f"{email}@{domain}" in first_output
    assert Client().login(email="admin@koppel.demo", password=demo.PASSWORD)
    assert User.objects.get(email="admin@koppel.demo").is_superuser
    assert not Client().login(email="student@digiwise.demo", password="verkeerd")

    # Issue 12: round places follow the offers, and every scenario has upcoming events.
    from backend.allocations.models import RoundChallenge
    from backend.engagement.selectors.events import events_visible_to

    for entry in RoundChallenge.objects.select_related("offer"):
        assert (entry.capacity or 0) <= entry.offer.max_students, entry.offer.title
        assert entry.round.assignments.filter(offer=entry.offer).count() <= (
            entry.capacity or entry.offer.max_students
        )
    for domain in ("digiwise.demo", "mica.demo", "glr.demo"):
        for login in ("student", "coordinator"):
            user = User.objects.get(email=f"{login}@{domain}")
            assert events_visible_to(user).filter(starts_at__gt=NOW).exists(), user.email

    counts = row_counts()
    call_command("load_demo")
    second_output = capsys.readouterr().out

    assert row_counts() == counts
    assert "al geladen" in second_output
    assert "student@digiwise.demo" in second_output
    assert "koppel-demo-2026" in second_output


@pytest.mark.django_db
def test_area_demos_are_called_after_the_foundation_in_order_with_the_same_now(monkeypatch):
    calls = []
    for area in demo.AREA_DEMOS:
        monkeypatch.setattr(
            area, "load", lambda *, now, name=area.__name__: calls.append((name, now))
        )

    result = demo.load(now=NOW)

    assert [area.__name__ for area in demo.AREA_DEMOS] == [
        "backend.demo.rounds",
        "backend.demo.agreements",
        "backend.demo.engagement",
        "backend.demo.learning",
        "backend.demo.privacy",
    ]
    assert calls == [(area.__name__, NOW) for area in demo.AREA_DEMOS]
    assert result.areas == tuple(name for name, _ in calls)

"""The demo agreements are ones a company and a school could trust: nothing awaiting acceptance
holds "(nog niet ingevuld)" or has a term that already ended."""

import datetime as dt

import pytest
from django.core.management import call_command

from backend.agreements.models import Agreement, AgreementKind, AgreementStatus
from backend.agreements.selectors.completeness import missing_terms

NOW = dt.datetime(2026, 11, 28, 9, 0, tzinfo=dt.UTC)


@pytest.mark.django_db(transaction=False)
def test_no_demo_agreement_asks_acceptance_of_an_incomplete_or_ended_text(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: NOW)
    call_command("load_demo")
    waiting = Agreement.objects.filter(status=AgreementStatus.PROPOSED).select_related("template")
    assert waiting.exists()
    for agreement in waiting:
        version = agreement.current_version()
        text = " ".join(c["text_nl"] + c["text_en"] for c in version.clauses)
        assert "(nog niet ingevuld)" not in text, agreement.title
        assert "(not filled in yet)" not in text, agreement.title
        assert missing_terms(agreement.template, version.terms) == [], agreement.title
        assert agreement.ends_on is None or agreement.ends_on >= NOW.date(), agreement.title
    consortium = Agreement.objects.filter(kind=AgreementKind.CONSORTIUM)
    assert all(a.ends_on >= NOW.date() for a in consortium)
    # Every short agreement names the hours it was given, never a guessed default of 0.
    engagements = Agreement.objects.filter(kind=AgreementKind.ENGAGEMENT)
    assert engagements.exists()
    assert not engagements.filter(mentoring_hours=0).exists()

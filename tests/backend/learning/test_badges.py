"""Issuing, publishing and revoking Open Badges (backend.learning.services.badges)."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.curriculum.models import Kerntaak, ProgressLevel
from backend.learning.models import Badge
from backend.learning.selectors.badges import badges_of, published_badge
from backend.learning.services.badges import badge_issue, badge_publish, badge_revoke
from backend.notifications.models import Notification
from tests.backend.learning.badges_factories import issued_badge, validated, werkproces

NOW = dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC)


def _kerntaak(cast, code):
    return Kerntaak.objects.get(dossier_id=cast.ict_niveau2.dossier_id, code=code)


def _issue(cast, actor=None, student=None, **subject):
    return badge_issue(
        actor=actor or cast.devries, student=student or cast.sanne, now=NOW, **subject
    )


def test_it_issues_a_badge_for_a_validated_werkproces(cast):
    validated(cast, "B1-K1-W1", level=ProgressLevel.SUFFICIENT)

    badge = _issue(cast, werkproces=werkproces(cast, "B1-K1-W1"))

    assert badge.school == cast.vista
    assert badge.kwalificatie == cast.ict_niveau2
    assert badge.werkproces.code == "B1-K1-W1"
    assert badge.kerntaak is None
    assert badge.issued_by == cast.devries
    assert badge.issued_at == NOW
    assert badge.published_at is None
    assert badge.revoked_at is None
    expected = hashlib.sha256(
        (cast.sanne.email.lower() + badge.recipient_salt).encode()
    ).hexdigest()
    assert badge.recipient_hash == f"sha256${expected}"
    assert len(badge.recipient_salt) == 32
    note = Notification.objects.get(recipient=cast.sanne, category="learning_badge")
    assert "B1-K1-W1" in note.body
    assert note.url == "/mijn-leren/badges/"


def test_each_badge_gets_its_own_salt(cast):
    first = issued_badge(cast, "B1-K1-W1", published=False)
    second = issued_badge(cast, "B1-K1-W2", published=False)
    assert first.recipient_salt != second.recipient_salt
    assert first.recipient_hash != second.recipient_hash


def test_it_refuses_a_werkproces_whose_evidence_is_not_validated(cast):
    validated(cast, "B1-K1-W1", level=ProgressLevel.GOOD, is_validated=False)

    with pytest.raises(ApplicationError) as refused:
        _issue(cast, werkproces=werkproces(cast, "B1-K1-W1"))

    assert refused.value.message == (
        "Werkproces B1-K1-W1 is nog niet aangetoond: er is geen gevalideerd bewijs op niveau "
        "voldoende of goed."
    )
    assert refused.value.extra == {"fields": {"werkproces": [refused.value.message]}}
    assert not Badge.objects.exists()
    assert not Notification.objects.filter(category="learning_badge").exists()


def test_it_refuses_a_werkproces_validated_at_oefenen(cast):
    validated(cast, "B1-K1-W1", level=ProgressLevel.PRACTISING)

    with pytest.raises(ApplicationError) as refused:
        _issue(cast, werkproces=werkproces(cast, "B1-K1-W1"))

    assert refused.value.message == (
        "Werkproces B1-K1-W1 is gevalideerd op niveau oefenen; een badge kan pas bij voldoende "
        "of goed."
    )
    assert not Badge.objects.exists()


def test_it_refuses_a_werkproces_outside_the_students_kwalificatie(cast):
    other = werkproces(cast, "B1-K1-W1", kwalificatie=cast.ict_niveau4)
    validated(cast, "B1-K1-W1", kwalificatie=cast.ict_niveau4)

    with pytest.raises(ApplicationError, match="hoort niet bij de kwalificatie van de student"):
        _issue(cast, werkproces=other)
    assert not Badge.objects.exists()


def test_it_issues_a_kerntaak_badge_when_every_werkproces_is_demonstrated(cast):
    validated(cast, "B1-K1-W1", level=ProgressLevel.GOOD)
    validated(cast, "B1-K1-W2", level=ProgressLevel.SUFFICIENT)

    badge = _issue(cast, kerntaak=_kerntaak(cast, "B1-K1"))

    assert badge.kerntaak.code == "B1-K1"
    assert badge.werkproces is None


def test_it_refuses_a_kerntaak_with_a_werkproces_not_yet_demonstrated(cast):
    validated(cast, "B1-K1-W1")
    validated(cast, "B1-K1-W2", level=ProgressLevel.PRACTISING)

    with pytest.raises(ApplicationError) as refused:
        _issue(cast, kerntaak=_kerntaak(cast, "B1-K1"))

    assert refused.value.message == (
        "Kerntaak B1-K1 is nog niet helemaal aangetoond: deze werkprocessen missen gevalideerd "
        "bewijs op niveau voldoende of goed: B1-K1-W2."
    )
    assert not Badge.objects.exists()


def test_it_refuses_a_kerntaak_of_another_dossier(cast):
    other = Kerntaak.objects.get(dossier_id=cast.ict_niveau4.dossier_id, code="B1-K1")
    with pytest.raises(ApplicationError, match="Kerntaak B1-K1 hoort niet bij de kwalificatie"):
        _issue(cast, kerntaak=other)


def test_it_needs_exactly_one_werkproces_or_kerntaak(cast):
    validated(cast, "B1-K1-W1", "B1-K1-W2")
    with pytest.raises(ApplicationError, match="Kies één werkproces of één kerntaak"):
        _issue(cast)
    with pytest.raises(ApplicationError, match="Kies één werkproces of één kerntaak"):
        _issue(cast, werkproces=werkproces(cast, "B1-K1-W1"), kerntaak=_kerntaak(cast, "B1-K1"))


def test_it_refuses_a_second_active_badge_for_the_same_werkproces(cast):
    badge = issued_badge(cast, "B1-K1-W1", published=False)

    with pytest.raises(Conflict) as refused:
        _issue(cast, werkproces=badge.werkproces)

    assert (
        refused.value.message == "De student heeft al een geldige badge voor werkproces B1-K1-W1."
    )
    assert Badge.objects.count() == 1


def test_a_revoked_badge_may_be_issued_again(cast):
    badge = issued_badge(cast, "B1-K1-W1", published=False)
    badge_revoke(badge=badge, actor=cast.bos, reason="Verkeerde student", now=NOW)

    again = _issue(cast, werkproces=badge.werkproces)

    assert again.pk != badge.pk
    assert Badge.objects.filter(revoked_at__isnull=True).get() == again


@pytest.mark.parametrize("who", ["peters", "jan", "ahmed", "sanne", "fenna"])
def test_only_staff_of_the_students_school_issue_badges(cast, who):
    validated(cast, "B1-K1-W1")

    with pytest.raises(PermissionDenied) as refused:
        _issue(cast, actor=getattr(cast, who), werkproces=werkproces(cast, "B1-K1-W1"))

    assert (
        refused.value.message == "Alleen medewerkers van de school van de student geven badges uit."
    )
    assert not Badge.objects.exists()


def test_the_student_publishes_and_hides_their_badge(cast):
    badge = issued_badge(cast, published=False)
    assert published_badge(badge.uid) is None

    badge_publish(badge=badge, actor=cast.sanne, published=True, now=NOW)
    badge.refresh_from_db()
    assert badge.published_at == NOW
    assert published_badge(badge.uid) == badge

    later = NOW + dt.timedelta(days=1)
    badge_publish(badge=badge, actor=cast.sanne, published=True, now=later)
    badge.refresh_from_db()
    assert badge.published_at == NOW  # publishing twice keeps the first date

    badge_publish(badge=badge, actor=cast.sanne, published=False, now=later)
    badge.refresh_from_db()
    assert badge.published_at is None
    assert published_badge(badge.uid) is None


@pytest.mark.parametrize("who", ["devries", "bos", "peters", "ahmed", "jan"])
def test_only_the_student_publishes_their_badge(cast, who):
    badge = issued_badge(cast, published=False)

    with pytest.raises(PermissionDenied, match="Alleen de student zelf"):
        badge_publish(badge=badge, actor=getattr(cast, who), published=True, now=NOW)

    badge.refresh_from_db()
    assert badge.published_at is None


def test_a_revoked_badge_cannot_be_published_but_can_be_hidden(cast):
    badge = issued_badge(cast, published=True)
    badge_revoke(badge=badge, actor=cast.devries, reason="Fout", now=NOW)

    badge_publish(badge=badge, actor=cast.sanne, published=False, now=NOW)
    with pytest.raises(Conflict, match="ingetrokken en kan niet meer openbaar"):
        badge_publish(badge=badge, actor=cast.sanne, published=True, now=NOW)
    badge.refresh_from_db()
    assert badge.published_at is None


def test_staff_of_the_issuing_school_revoke_with_a_reason(cast):
    badge = issued_badge(cast)

    badge_revoke(
        badge=badge, actor=cast.bos, reason="  Bewijs bleek niet van de student  ", now=NOW
    )

    badge.refresh_from_db()
    assert badge.revoked_at == NOW
    assert badge.revoked_by == cast.bos
    assert badge.revocation_reason == "Bewijs bleek niet van de student"
    note = Notification.objects.get(recipient=cast.sanne, title="Je badge is ingetrokken")
    assert "Bewijs bleek niet van de student" in note.body


@pytest.mark.parametrize("who", ["peters", "sanne", "jan", "ahmed", "fenna"])
def test_only_staff_of_the_issuing_school_revoke(cast, who):
    badge = issued_badge(cast)

    with pytest.raises(PermissionDenied, match="Alleen medewerkers van de school die de badge"):
        badge_revoke(badge=badge, actor=getattr(cast, who), reason="Weg ermee", now=NOW)

    badge.refresh_from_db()
    assert badge.revoked_at is None


@pytest.mark.parametrize(
    ("reason", "message"),
    [
        ("   ", "Reden: vul in waarom de badge wordt ingetrokken."),
        ("x" * 1001, "Reden: gebruik hoogstens 1000 tekens (nu 1001)."),
    ],
)
def test_revoking_needs_a_reason_of_at_most_1000_characters(cast, reason, message):
    badge = issued_badge(cast)

    with pytest.raises(ApplicationError) as refused:
        badge_revoke(badge=badge, actor=cast.devries, reason=reason, now=NOW)

    assert refused.value.extra == {"fields": {"reason": [message]}}
    badge.refresh_from_db()
    assert badge.revoked_at is None


def test_a_badge_is_revoked_once(cast):
    badge = issued_badge(cast)
    badge_revoke(badge=badge, actor=cast.devries, reason="Eerste reden", now=NOW)

    with pytest.raises(Conflict, match="al ingetrokken"):
        badge_revoke(badge=badge, actor=cast.bos, reason="Tweede reden", now=NOW)

    badge.refresh_from_db()
    assert badge.revocation_reason == "Eerste reden"
    assert badge.revoked_by == cast.devries


def test_badges_of_lists_the_students_badges_newest_first_in_fixed_queries(
    cast, django_assert_num_queries
):
    older = issued_badge(cast, "B1-K1-W1", published=False)
    Badge.objects.filter(pk=older.pk).update(issued_at=timezone.now() - dt.timedelta(days=3))
    newer = issued_badge(cast, "B1-K1-W2", published=False)
    issued_badge(cast, "P1-K1-W1", published=False)

    with django_assert_num_queries(1):
        badges = list(badges_of(cast.sanne))
        codes = [b.werkproces.code for b in badges]
        schools = {b.school.name for b in badges}
        crebos = {b.kwalificatie.dossier.title for b in badges}

    assert badges[-1] == older
    assert newer in badges
    assert codes[-1] == "B1-K1-W1"
    assert schools == {"Vista college"}
    assert len(crebos) == 1
    assert list(badges_of(cast.ahmed)) == []

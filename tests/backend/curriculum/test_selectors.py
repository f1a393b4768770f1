from django.utils import timezone

from backend.accounts.models import User
from backend.accounts.selectors import open_werkproces_codes_for_students
from backend.curriculum.models import ProgressLevel, Werkproces, WerkprocesEvidence
from backend.curriculum.selectors import werkproces_search, werkprocessen_for_kwalificatie
from tests.factories import kwalificatie_with_werkprocessen, student


def evidence(user, code, level, *, kwalificatie, recorder):
    werkproces = Werkproces.objects.get(code=code, kerntaak__dossier=kwalificatie.dossier)
    return WerkprocesEvidence.objects.create(
        student=user,
        werkproces=werkproces,
        level=level,
        recorded_by=recorder,
        validated_by=recorder,
        validated_at=timezone.now(),
    )


def test_werkprocessen_for_kwalificatie_are_the_basis_plus_its_own_profiel(cast):
    codes = [w.code for w in werkprocessen_for_kwalificatie(cast.ict_niveau2)]

    assert codes == ["B1-K1-W1", "B1-K1-W2", "P1-K1-W1"]


def test_a_profiel_of_another_kwalificatie_in_the_same_dossier_is_not_included(cast):
    from backend.curriculum.models import Kerntaak, KerntaakKind, Kwalificatie

    other = Kwalificatie.objects.create(
        dossier=cast.ict_niveau2.dossier, crebo="25998", title="Ander profiel", niveau=2
    )
    kerntaak = Kerntaak.objects.create(
        dossier=other.dossier, code="P2-K1", title="Profiel 2", kind=KerntaakKind.PROFIEL
    )
    kerntaak.kwalificaties.add(other)
    Werkproces.objects.create(kerntaak=kerntaak, code="P2-K1-W1", title="Alleen voor profiel 2")

    assert "P2-K1-W1" not in {w.code for w in werkprocessen_for_kwalificatie(cast.ict_niveau2)}
    assert {w.code for w in werkprocessen_for_kwalificatie(other)} == {
        "B1-K1-W1",
        "B1-K1-W2",
        "P2-K1-W1",
    }


def test_open_werkprocessen_leave_out_what_was_shown_at_voldoende_or_goed(cast):
    evidence(
        cast.sanne,
        "B1-K1-W1",
        ProgressLevel.SUFFICIENT,
        kwalificatie=cast.ict_niveau2,
        recorder=cast.devries,
    )
    evidence(
        cast.sanne,
        "B1-K1-W2",
        ProgressLevel.PRACTISING,
        kwalificatie=cast.ict_niveau2,
        recorder=cast.devries,
    )
    evidence(
        cast.ahmed,
        "P1-K1-W1",
        ProgressLevel.GOOD,
        kwalificatie=cast.ict_niveau4,
        recorder=cast.peters,
    )

    result = open_werkproces_codes_for_students([cast.sanne.pk, cast.ahmed.pk, cast.jan.pk])

    assert result == {
        cast.sanne.pk: {"B1-K1-W2", "P1-K1-W1"},
        cast.ahmed.pk: {"B1-K1-W1", "B1-K1-W2"},
    }


def test_open_werkprocessen_cost_the_same_queries_for_3_or_60_students(
    cast, django_assert_num_queries
):
    kwalificaties = [kwalificatie_with_werkprocessen(niveau=n) for n in (2, 3, 4)]
    students = [
        student(school=cast.vista, kwalificatie=kwalificaties[i % 3], number=f"N{i:04d}")
        for i in range(60)
    ]
    for index, user in enumerate(students[::4]):
        enrolled = user.enrolment.kwalificatie
        evidence(user, "B1-K1-W1", ProgressLevel.GOOD, kwalificatie=enrolled, recorder=cast.devries)
        if index % 2:
            evidence(
                user, "B1-K1-W1", ProgressLevel.NEVER, kwalificatie=enrolled, recorder=cast.devries
            )

    with django_assert_num_queries(4):
        few = open_werkproces_codes_for_students([u.pk for u in students[:3]])
    with django_assert_num_queries(4):
        many = open_werkproces_codes_for_students(
            User.objects.filter(pk__in=[u.pk for u in students]).values_list("pk", flat=True)
        )

    assert len(few) == 3
    assert len(many) == 60
    assert many[students[0].pk] == {"B1-K1-W2", "P1-K1-W1"}
    assert many[students[1].pk] == {"B1-K1-W1", "B1-K1-W2", "P1-K1-W1"}


def test_open_werkprocessen_of_nobody_is_empty_without_queries(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert open_werkproces_codes_for_students([]) == {}


def test_werkproces_search_finds_by_code_prefix_and_by_all_words(cast):
    Werkproces.objects.filter(code="B1-K1-W2", kerntaak__dossier=cast.ict_niveau2.dossier).update(
        title="Test software en rapporteert bevindingen"
    )

    by_code = werkproces_search("b1-k1-w2", kwalificatie=cast.ict_niveau2)
    by_words = werkproces_search("software bevindingen")
    not_both = werkproces_search("software bakken")

    assert [w.code for w in by_code] == ["B1-K1-W2"]
    assert [(w.code, w.kerntaak.dossier_id) for w in by_words] == [
        ("B1-K1-W2", cast.ict_niveau2.dossier_id)
    ]
    assert list(not_both) == []


def test_werkproces_search_for_a_kwalificatie_keeps_to_its_werkprocessen(cast):
    results = werkproces_search("", kwalificatie=cast.ict_niveau4)

    assert {w.kerntaak.dossier_id for w in results} == {cast.ict_niveau4.dossier_id}
    assert len(results) == 3

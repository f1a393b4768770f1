"""The student's side of a round in the database: which challenges are open to a student (the
engine's rules as one SQL condition, checked against the engine itself), adding and removing one
choice, the teammate search, and one student's explanation read without loading the run's JSON."""

import datetime as dt
from dataclasses import replace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import Certificate, CertificateKind
from backend.allocations import engine_adapter
from backend.allocations.models import AllocationRound, AllocationRun, Choice, Phase
from backend.allocations.selectors.snapshot import challenge_records
from backend.allocations.selectors.student import (
    ChallengeFilters,
    challenge_page,
    companies_of,
    eligible_entries,
    filter_entries,
    result_for_student,
    search_classmates,
    stored_explanation,
    student_profile,
    student_record,
)
from backend.allocations.services.choices import choice_add, choice_remove
from backend.core.errors import ApplicationError, Conflict
from backend.curriculum.models import Werkproces, WerkprocesEvidence
from backend.offers.models import WerkprocesMapping
from tests.backend.allocations.conftest import NOW, choose, open_round, published, to_review
from tests.factories import student

pytestmark = pytest.mark.django_db


def _open_ids(world, user):
    enrolment = user.enrolment
    me = student_record(world.round, enrolment, today=NOW.date())
    return me, set(eligible_entries([world.round], me).values_list("offer_id", flat=True))


def test_the_sql_condition_agrees_with_the_engine_for_every_student_and_challenge(world):
    cast = world.cast
    programme = published(cast.pixel, cast.eva, "Alleen ICT niveau 2", schools=[cast.vista])
    programme.programmes.set([cast.ict_niveau2])
    other_programme = published(cast.pixel, cast.eva, "Alleen niveau 4", schools=[cast.vista])
    other_programme.programmes.set([cast.ict_niveau4])
    via_consortium = published(
        cast.pixel, cast.eva, "Via het consortium", schools=[cast.gilde], consortium=cast.consortium
    )
    gilde_only = published(cast.pixel, cast.eva, "Alleen Gilde", schools=[cast.gilde])
    everyone = published(cast.pixel, cast.eva, "Voor iedereen")
    two_certificates = published(
        cast.pixel,
        cast.eva,
        "VOG en BHV",
        schools=[cast.vista],
        required_certificates=["VOG", "BHV"],
    )
    levels_2_3 = published(
        cast.pixel, cast.eva, "Niveau 2-3", schools=[cast.vista], niveau_min=2, niveau_max=3
    )
    world.round.challenges.add(
        programme,
        other_programme,
        via_consortium,
        gilde_only,
        everyone,
        two_certificates,
        levels_2_3,
    )
    lotte = world.classmates[0]
    for kind in (CertificateKind.VOG, CertificateKind.BHV):
        Certificate.objects.create(
            holder=lotte,
            kind=kind,
            issued_on=NOW.date() - dt.timedelta(days=10),
            valid_until=NOW.date() + dt.timedelta(days=300),
        )
    daan = world.classmates[1]
    Certificate.objects.create(  # expired: does not count
        holder=daan,
        kind=CertificateKind.VOG,
        issued_on=NOW.date() - dt.timedelta(days=400),
        valid_until=NOW.date() - dt.timedelta(days=1),
    )
    niveau4 = student(school=cast.vista, kwalificatie=cast.ict_niveau4, first_name="Jesse")
    records = challenge_records(world.round)
    seen = set()
    for user in (cast.sanne, lotte, daan, niveau4):
        me, sql = _open_ids(world, user)
        engine = set(engine_adapter.eligible_offer_ids(me, records))
        assert sql == engine, user.first_name
        seen |= engine
    # The case list covers every rule both ways.
    assert {via_consortium.pk, everyone.pk, programme.pk, two_certificates.pk} <= seen
    assert gilde_only.pk not in seen


def test_a_consortium_school_that_left_no_longer_opens_the_challenge(world):
    cast = world.cast
    via_consortium = published(
        cast.pixel, cast.eva, "Via het consortium", schools=[cast.gilde], consortium=cast.consortium
    )
    world.round.challenges.add(via_consortium)
    assert via_consortium.pk in _open_ids(world, cast.sanne)[1]
    cast.consortium.memberships.filter(organisation=cast.vista).update(left_on=NOW.date())
    assert via_consortium.pk not in _open_ids(world, cast.sanne)[1]


def test_filters_and_fit_run_in_the_database(world):
    profile = student_profile(world.round, world.cast.sanne.enrolment, today=NOW.date())
    entries = eligible_entries([world.round], profile.me)
    found = filter_entries(entries, ChallengeFilters(query="webshop"), profile)
    assert found.get().offer == world.webshop
    found = filter_entries(entries, ChallengeFilters(company_id=world.cast.bakkerij.pk), profile)
    assert found.get().offer == world.webshop
    assert not filter_entries(entries, ChallengeFilters(fits_only=True), profile).exists()


def _map(world, offer, *codes):
    """Map `offer` to werkprocessen `codes` of Sanne's dossier (and of every other dossier with
    that code: the engine compares codes, so a code counts once however many dossiers carry it)."""
    for werkproces in Werkproces.objects.filter(code__in=codes):
        WerkprocesMapping.objects.create(
            offer=offer, werkproces=werkproces, coverage="full", mapped_by=world.cast.devries
        )


def test_the_page_is_by_title_and_counts_in_the_same_query(world):
    sanne = world.cast.sanne
    profile = student_profile(world.round, sanne.enrolment, today=NOW.date())
    codes = list(profile.open_codes)
    assert len(codes) >= 2
    _map(world, world.webshop, codes[0], codes[1])
    _map(world, world.app, codes[0])
    extra = [
        published(world.cast.pixel, world.cast.eva, f"Extra {i}", schools=[world.cast.vista])
        for i in range(3)
    ]
    world.round.challenges.add(*extra)
    with CaptureQueriesContext(connection) as captured:
        page = challenge_page(sanne, profile, [world.round], ChallengeFilters(), per_page=2)
    # Ids by title (counted in the same query), the page's rows, their fit, Sanne's ranks.
    assert len(captured) == 4
    assert [i.offer for i in page.items] == [world.app, extra[0]]
    assert [g.code for g in page.items[0].fits] == sorted(codes[:1])
    assert page.items[0].fits[0].title  # the title in Sanne's own dossier
    assert page.items[1].fits == []
    assert (page.count, page.count_exact, page.num_pages) == (5, True, 3)
    assert (page.has_next, page.has_previous) == (True, False)
    last = challenge_page(sanne, profile, [world.round], ChallengeFilters(), number=3, per_page=2)
    assert [i.offer for i in last.items] == [world.webshop]
    assert (last.exists, last.has_next, last.has_previous, last.count) == (True, False, True, 5)
    fitting = challenge_page(sanne, profile, [world.round], ChallengeFilters(fits_only=True))
    assert [i.offer for i in fitting.items] == [world.app, world.webshop]
    assert [g.code for g in fitting.items[1].fits] == sorted(codes[:2])


def test_the_fits_filter_keeps_exactly_the_challenges_on_an_open_werkproces(world):
    sanne = world.cast.sanne
    done_code, open_code = student_profile(
        world.round, sanne.enrolment, today=NOW.date()
    ).open_codes[:2]
    dossier = sanne.enrolment.kwalificatie.dossier
    closed = Werkproces.objects.get(code=done_code, kerntaak__dossier=dossier)
    WerkprocesEvidence.objects.create(
        student=sanne,
        werkproces=closed,
        level="goed",
        recorded_by=world.cast.devries,
        validated_by=world.cast.devries,
        validated_at=NOW,
    )
    profile = student_profile(world.round, sanne.enrolment, today=NOW.date())
    assert done_code not in profile.open_codes
    covers, elsewhere = (
        published(world.cast.pixel, world.cast.eva, title, schools=[world.cast.vista])
        for title in ("Dekt een open werkproces", "Dekt een afgerond werkproces")
    )
    world.round.challenges.add(covers, elsewhere)
    _map(world, covers, open_code)
    WerkprocesMapping.objects.create(
        offer=elsewhere, werkproces=closed, coverage="full", mapped_by=world.cast.devries
    )
    found = challenge_page(sanne, profile, [world.round], ChallengeFilters(fits_only=True))
    assert [(i.offer, [g.code for g in i.fits]) for i in found.items] == [(covers, [open_code])]
    assert (found.count, found.count_exact) == (1, True)
    # Without open werkprocessen nothing fits.
    empty = replace(profile, goal_ids={}, goals={})
    assert challenge_page(sanne, empty, [world.round], ChallengeFilters(fits_only=True)).items == []


def test_a_long_list_is_counted_up_to_the_cap_in_the_page_query(world, monkeypatch):
    monkeypatch.setattr("backend.allocations.selectors.student.COUNT_CAP", 3)
    sanne = world.cast.sanne
    profile = student_profile(world.round, sanne.enrolment, today=NOW.date())
    extra = [
        published(world.cast.pixel, world.cast.eva, f"Extra {i}", schools=[world.cast.vista])
        for i in range(4)
    ]
    world.round.challenges.add(*extra)  # 6 open to Sanne
    first = challenge_page(sanne, profile, [world.round], ChallengeFilters(), per_page=2)
    assert (first.count, first.count_exact, first.has_next) == (3, False, True)
    second = challenge_page(sanne, profile, [world.round], ChallengeFilters(), number=2, per_page=2)
    assert (second.count, second.count_exact, second.has_next) == (4, False, True)
    third = challenge_page(sanne, profile, [world.round], ChallengeFilters(), number=3, per_page=2)
    assert (third.count, third.count_exact, third.has_next) == (6, True, False)
    assert [i.offer for i in third.items] == [extra[3], world.webshop]
    past = challenge_page(sanne, profile, [world.round], ChallengeFilters(), number=5, per_page=2)
    assert (past.exists, past.count, past.count_exact, past.num_pages) == (False, 6, True, 3)


def test_a_page_past_the_end_has_no_items_and_says_how_many_pages_there_are(world):
    sanne = world.cast.sanne
    profile = student_profile(world.round, sanne.enrolment, today=NOW.date())
    past = challenge_page(sanne, profile, [world.round], ChallengeFilters(), number=9)
    assert (past.items, past.exists, past.count, past.num_pages) == ([], False, 2, 1)
    nothing = challenge_page(sanne, profile, [world.round], ChallengeFilters(query="zzzz"))
    assert (nothing.items, nothing.exists, nothing.count) == ([], True, 0)
    for number in (0, 10_001):
        with pytest.raises(ValueError, match="page numbers"):
            challenge_page(sanne, profile, [world.round], ChallengeFilters(), number=number)


def test_the_company_filter_gives_way_to_the_search_when_there_are_many_companies(
    world, monkeypatch
):
    companies = companies_of([world.round])
    assert len(companies) >= 2
    assert [name for _pk, name in companies] == sorted(name for _pk, name in companies)

    # A region's thousands of companies would make the page grow with the round.
    monkeypatch.setattr(
        "backend.allocations.selectors.student.MAX_COMPANY_OPTIONS", len(companies) - 1
    )
    assert companies_of([world.round]) == []


def test_a_choice_is_added_at_the_end_and_removed_with_the_rest_moving_up(world):
    open_round(world)
    sanne = world.cast.sanne
    assert (
        choice_add(allocation_round=world.round, student=sanne, offer_id=world.app.pk, now=NOW) == 1
    )
    assert (
        choice_add(allocation_round=world.round, student=sanne, offer_id=world.webshop.pk, now=NOW)
        == 2
    )
    choice_remove(allocation_round=world.round, student=sanne, offer_id=world.app.pk, now=NOW)
    assert list(Choice.objects.values_list("offer_id", "position")) == [(world.webshop.pk, 1)]
    with pytest.raises(ApplicationError, match="staat niet bij je keuzes"):
        choice_remove(allocation_round=world.round, student=sanne, offer_id=world.app.pk, now=NOW)


@pytest.mark.parametrize(
    ("offer", "message"),
    [
        ("vog", "Je kunt 'Zorgrobot' niet kiezen: hiervoor heb je een geldige VOG nodig."),
        ("expert", "Je kunt 'Data-analyse' niet kiezen: deze is alleen voor niveau 4."),
        ("unknown", "bestaat niet of doet niet mee aan deze ronde."),
    ],
)
def test_adding_a_choice_that_is_not_open_names_the_rule(world, offer, message):
    open_round(world)
    offer_id = 10**9 if offer == "unknown" else getattr(world, offer).pk
    with pytest.raises(ApplicationError, match=message):
        choice_add(
            allocation_round=world.round, student=world.cast.sanne, offer_id=offer_id, now=NOW
        )
    assert not Choice.objects.exists()


def test_adding_after_the_deadline_is_refused(world):
    open_round(world)
    with pytest.raises(Conflict):
        choice_add(
            allocation_round=world.round,
            student=world.cast.sanne,
            offer_id=world.app.pk,
            now=NOW + dt.timedelta(days=30),
        )


def test_the_teammate_search_finds_classmates_of_the_round_only(world):
    cast = world.cast
    enrolment = cast.sanne.enrolment
    found, more = search_classmates(world.round, enrolment, "lo")
    assert [c.first_name for c in found] == ["Lotte"]
    assert found[0].class_code == "ICT2A"
    assert found[0].level == 2
    assert not more
    assert search_classmates(world.round, enrolment, "ahmed") == ([], False)
    assert search_classmates(world.round, enrolment, "sanne") == ([], False)
    assert search_classmates(world.round, enrolment, "l") == ([], False)
    assert [c.first_name for c in search_classmates(world.round, enrolment, "ict2a")[0]] == [
        "Daan",
        "Lotte",
        "Noor",
    ]


def test_the_teammate_search_matches_the_start_of_either_name_in_any_case(world):
    enrolment = world.cast.sanne.enrolment
    lotte, daan, _noor = world.classmates
    lotte.last_name, daan.last_name = "de Vries", "Visser"
    lotte.save()
    daan.save()

    def names(query):
        found, _more = search_classmates(world.round, enrolment, query)
        return [c.first_name for c in found]

    assert names("LOT") == ["Lotte"]
    assert names("vis") == ["Daan"]
    assert names("lotte de") == ["Lotte"]  # every word starts the first or the last name
    assert names("lotte visser") == []
    assert names("otte") == []  # the start of a name, not any part: an index can find it
    assert names("ict2a lotte") == ["Lotte"]
    assert names("50%") == []  # LIKE wildcards are plain text
    assert names("__") == []


def test_the_teammate_search_costs_three_small_queries_however_many_match(world):
    enrolment = world.cast.sanne.enrolment
    for i in range(15):
        student(
            school=world.cast.vista,
            kwalificatie=world.cast.ict_niveau2,
            first_name=f"Lotte{i:02d}",
            class_code="ICT2A",
        )
    search_classmates(world.round, enrolment, "lo")  # the round's schools and programmes
    with CaptureQueriesContext(connection) as captured:
        found, more = search_classmates(world.round, enrolment, "lo")
    assert len(captured) <= 5
    assert len(found) == 10
    assert more
    assert [c.first_name for c in found][:2] == ["Lotte", "Lotte00"]


def test_one_students_explanation_is_read_with_a_json_key_lookup(world):
    run = to_review(world)
    sanne = world.cast.sanne
    with CaptureQueriesContext(connection) as captured:
        mine = stored_explanation(run.pk, sanne.pk)
    assert len(captured) == 1
    full = engine_adapter.explanation_of(AllocationRun.objects.get(pk=run.pk).result, sanne.pk)
    assert mine == full
    assert stored_explanation(run.pk, 10**9) is None
    assert stored_explanation(None, sanne.pk) is None


def test_the_result_of_an_unplaced_student_says_why(world):
    to_review(world, choices=None)
    AllocationRound.objects.filter(pk=world.round.pk).update(phase=Phase.PUBLISHED)
    world.round.refresh_from_db()
    unplaced = [u for u in world.students if not world.round.assignments.filter(student=u).exists()]
    assert unplaced
    result = result_for_student(world.round, unplaced[0], now=NOW + dt.timedelta(days=9))
    assert result.explanation["summary"] == "Je bent niet ingedeeld: al je keuzes waren vol."
    assert len(result.explanation["reasons"]) == 2


def test_choose_helper_still_enforces_the_whole_list(world):
    open_round(world)
    with pytest.raises(ApplicationError, match="Kies minstens 1"):
        choose(world, world.cast.sanne)

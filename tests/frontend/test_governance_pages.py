"""Governance pages: the collaboration hub, a consortium's partners, co-financing, umbrella and
consortium agreements, VOG policies, scheduling and cancelling meetings, and the menus of
programme leads and institution admins.

Extra cast: Vista leads Digiwise Limburg (penvoerder); Lotte de Wit is Vista's programme lead,
Ruud Kok its institution admin; the Provincie Limburg funds. A second consortium (Twente Tech,
with ROC Twente) is nobody's here: its pages answer 404."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import Role
from backend.agreements import services as agreement_services
from backend.agreements.models import Agreement, Pledge
from backend.engagement.models import Meeting
from backend.engagement.services import meeting_schedule
from backend.organisations.models import (
    CertificatePolicy,
    ConsortiumMembership,
    ConsortiumRole,
    OrganisationKind,
)
from tests.factories import (
    ConsortiumFactory,
    OrganisationFactory,
    SchoolFactory,
    UserFactory,
    consortium_member,
    member,
)


@pytest.fixture
def gov(people):
    cast = people
    ConsortiumMembership.objects.filter(consortium=cast.consortium, organisation=cast.vista).update(
        role=ConsortiumRole.LEAD, joined_on=dt.date(2022, 8, 1)
    )
    cast.lead = member(
        UserFactory(first_name="Lotte", last_name="de Wit"), cast.vista, Role.PROGRAMME_LEAD
    )
    cast.admin = member(
        UserFactory(first_name="Ruud", last_name="Kok"), cast.vista, Role.INSTITUTION_ADMIN
    )
    cast.provincie = OrganisationFactory(name="Provincie Limburg", kind=OrganisationKind.FUNDER)
    twente = SchoolFactory(name="ROC van Twente")
    cast.other = ConsortiumFactory(name="Twente Tech")
    consortium_member(cast.other, twente, ConsortiumRole.LEAD)
    return cast


def _pledge(cast, partner, **fields):
    data = {
        "kind": "cash",
        "amount": Decimal("5000"),
        "period_start": dt.date(2026, 1, 1),
        "period_end": dt.date(2026, 12, 31),
    } | fields
    return agreement_services.pledge_create(
        consortium=cast.consortium, partner=partner, funder=cast.provincie, actor=cast.bos, **data
    )


def _html(response):
    return response.content.decode()


# --- menus -------------------------------------------------------------------------------------


def _menu(client, user):
    return [
        item["name"]
        for item in client(user).get(reverse("frontend:dashboard")).context["nav_items"]
    ]


def test_a_programme_lead_gets_the_collaboration_menu_without_the_day_to_day_items(
    gov, page_client
):
    menu = _menu(page_client, gov.lead)
    assert "frontend:governance-consortium-list" in menu
    assert "frontend:coverage" in menu
    assert "frontend:engagement-meeting-list" in menu
    assert "frontend:agreement-list" in menu
    for day_to_day in (
        "frontend:review-queue",
        "frontend:round-list",
        "frontend:engagement-booking-list",
    ):
        assert day_to_day not in menu
    assert "frontend:governance-policies" not in menu
    assert len(menu) <= 8


def test_an_institution_admin_gets_the_vog_policy_in_a_short_menu(gov, page_client):
    menu = _menu(page_client, gov.admin)
    assert "frontend:governance-consortium-list" in menu
    assert "frontend:governance-policies" in menu
    assert "frontend:review-queue" not in menu
    assert "frontend:round-list" not in menu
    assert len(menu) <= 8


def test_a_programme_lead_who_also_coordinates_keeps_the_coordinators_items(gov, page_client):
    member(gov.lead, gov.vista, Role.COORDINATOR)
    menu = _menu(page_client, gov.lead)
    assert "frontend:review-queue" in menu
    assert "frontend:round-list" in menu
    assert "frontend:governance-consortium-list" in menu


def test_coordinators_and_teachers_keep_their_menus(gov, page_client):
    coordinator = _menu(page_client, gov.bos)
    assert "frontend:review-queue" in coordinator
    assert "frontend:governance-policies" not in coordinator
    assert "frontend:governance-consortium-list" not in _menu(page_client, gov.devries)


# --- consortium and partners -------------------------------------------------------------------


def test_the_hub_lists_only_the_users_consortia(gov, page_client, django_assert_max_num_queries):
    client = page_client(gov.lead)
    with django_assert_max_num_queries(8):
        html = _html(client.get(reverse("frontend:governance-consortium-list")))
    assert "Digiwise Limburg" in html
    assert "Twente Tech" not in html
    assert reverse("frontend:governance-policies") in html


def test_the_consortium_page_shows_partners_roles_and_agreement_status(
    gov, page_client, django_assert_max_num_queries
):
    agreement_services.consortium_agreement_create(
        consortium=gov.consortium,
        actor=gov.bos,
        now=timezone.now(),
        starts_on=dt.date(2027, 1, 1),
        ends_on=dt.date(2030, 12, 31),
    )
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    client = page_client(gov.lead)
    with django_assert_max_num_queries(14):
        response = client.get(url)
    html = _html(response)
    for name in ("Vista college", "Gilde Opleidingen", "Pixelfabriek"):
        assert name in html
    assert "penvoerder" in html
    assert "1 augustus 2022" in html
    assert "nog niet geaccepteerd" in html
    rows = {r["membership"].organisation.name: r for r in response.context["rows"]}
    assert rows["Gilde Opleidingen"]["agreement"].is_party
    assert not rows["Gilde Opleidingen"]["agreement"].accepted
    # Only the lead's admins manage partners.
    assert not response.context["may_manage"]
    assert "Partner toevoegen" not in html


def test_another_institutions_consortium_is_not_found(gov, page_client):
    for name in ("governance-consortium-detail", "governance-cofinancing", "governance-pledge-new"):
        url = reverse(f"frontend:{name}", args=[gov.other.pk])
        assert page_client(gov.lead).get(url).status_code == 404
        assert page_client(gov.admin).get(url).status_code == 404


def test_the_lead_admin_adds_a_partner(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    response = page_client(gov.admin).post(
        url,
        {
            "action": "add",
            "add-organisation": gov.bakkerij.pk,
            "add-role": "associate",
            "add-joined_on": "2026-09-01",
        },
    )
    assert response.status_code == 302
    membership = ConsortiumMembership.objects.get(
        consortium=gov.consortium, organisation=gov.bakkerij
    )
    assert (membership.role, membership.joined_on) == ("associate", dt.date(2026, 9, 1))


def test_adding_a_partner_with_bad_input_says_why_and_changes_nothing(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    before = ConsortiumMembership.objects.count()
    response = page_client(gov.admin).post(
        url,
        {
            "action": "add",
            "add-organisation": gov.pixel.pk,
            "add-role": "boss",
            "add-joined_on": "",
        },
    )
    assert response.status_code == 200
    errors = response.context["add_form"].errors
    assert "organisation" in errors  # already a member: not offered
    assert "role" in errors
    assert "joined_on" in errors
    assert ConsortiumMembership.objects.count() == before


def test_ending_a_partner_keeps_the_row_and_refuses_a_date_before_joining(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    gilde = ConsortiumMembership.objects.get(consortium=gov.consortium, organisation=gov.gilde)
    gilde.joined_on = dt.date(2023, 1, 1)
    gilde.save()
    response = page_client(gov.admin).post(
        url, {"action": "end", "end-membership": gilde.pk, "end-left_on": "2020-01-01"}
    )
    assert response.status_code == 200
    assert "De vertrekdatum ligt voor de datum van toetreden." in _html(response)
    gilde.refresh_from_db()
    assert gilde.left_on is None

    page_client(gov.admin).post(
        url, {"action": "end", "end-membership": gilde.pk, "end-left_on": "2026-12-31"}
    )
    gilde.refresh_from_db()
    assert gilde.left_on == dt.date(2026, 12, 31)
    html = _html(page_client(gov.admin).get(url))
    assert 'data-confirm="Het lidmaatschap van Pixelfabriek beëindigen?"' in html
    assert "vertrokken op 31 december 2026" in html


def test_the_only_lead_cannot_be_ended(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    lead = ConsortiumMembership.objects.get(consortium=gov.consortium, organisation=gov.vista)
    response = page_client(gov.admin).post(
        url, {"action": "end", "end-membership": lead.pk, "end-left_on": "2026-12-31"}
    )
    assert "Vista college is de enige penvoerder." in _html(response)
    lead.refresh_from_db()
    assert lead.left_on is None


def test_ending_another_consortiums_membership_is_refused(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    foreign = ConsortiumMembership.objects.get(consortium=gov.other)
    response = page_client(gov.admin).post(
        url, {"action": "end", "end-membership": foreign.pk, "end-left_on": "2026-12-31"}
    )
    assert response.status_code == 200
    assert "membership" in response.context["end_form"].errors
    foreign.refresh_from_db()
    assert foreign.left_on is None


def test_a_programme_lead_may_not_change_partners(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    response = page_client(gov.lead).post(
        url,
        {
            "action": "add",
            "add-organisation": gov.bakkerij.pk,
            "add-role": "partner",
            "add-joined_on": "2026-09-01",
        },
    )
    assert response.status_code == 403
    assert not ConsortiumMembership.objects.filter(organisation=gov.bakkerij).exists()


# --- co-financing ------------------------------------------------------------------------------


def test_the_cofinancing_page_shows_pledges_and_the_ledger(
    gov, page_client, django_assert_max_num_queries
):
    _pledge(gov, gov.pixel, amount=Decimal("12500"))
    _pledge(gov, gov.gilde, kind="in_kind", amount=None, hours=Decimal("80"))
    url = reverse("frontend:governance-cofinancing", args=[gov.consortium.pk])
    client = page_client(gov.lead)
    with django_assert_max_num_queries(12):
        html = _html(client.get(url))
    assert "Pixelfabriek" in html
    assert "Gilde Opleidingen" in html
    assert "€ 12.500,00" in html
    assert "80 uur" in html
    assert "Provincie Limburg" in html
    assert "1 januari 2026 – 31 december 2026" in html
    assert reverse("api:ledger-report-csv", args=[gov.consortium.pk]) in html


def test_a_company_sees_only_its_own_pledges_and_no_ledger(gov, page_client):
    _pledge(gov, gov.pixel, amount=Decimal("12500"))
    _pledge(gov, gov.gilde, amount=Decimal("777"))
    response = page_client(gov.eva).get(
        reverse("frontend:governance-cofinancing", args=[gov.consortium.pk])
    )
    html = _html(response)
    assert "€ 12.500,00" in html
    assert "777" not in html
    assert response.context["report"] is None


def test_recording_a_pledge(gov, page_client):
    url = reverse("frontend:governance-pledge-new", args=[gov.consortium.pk])
    response = page_client(gov.lead).post(
        url,
        {
            "partner": gov.pixel.pk,
            "funder": gov.provincie.pk,
            "kind": "cash",
            "amount": "2500.50",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "note": "Jaar 1",
        },
    )
    assert response.status_code == 302
    pledge = Pledge.objects.get()
    assert (pledge.partner, pledge.amount, pledge.created_by) == (
        gov.pixel,
        Decimal("2500.50"),
        gov.lead,
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": "-5"}, "amount", "Vul een bedrag in euro's in, groter dan 0."),
        (
            {"kind": "in_kind", "amount": "", "hours": "0"},
            "hours",
            "Vul het aantal uren in, groter dan 0.",
        ),
        ({"period_end": "2025-12-31"}, "period_end", "De periode eindigt voor hij begint."),
        ({"period_start": ""}, "period_start", "Dit veld is vereist."),
        ({"funder": "999999"}, "funder", None),
    ],
)
def test_a_bad_pledge_says_why_and_records_nothing(gov, page_client, changes, field, message):
    data = {
        "partner": gov.pixel.pk,
        "funder": gov.provincie.pk,
        "kind": "cash",
        "amount": "100",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    } | changes
    response = page_client(gov.lead).post(
        reverse("frontend:governance-pledge-new", args=[gov.consortium.pk]), data
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors
    if message:
        assert message in errors[field]
    assert 'class="error-summary"' in _html(response)
    assert not Pledge.objects.exists()


def test_a_pledge_for_another_consortiums_partner_is_refused(gov, page_client):
    twente = ConsortiumMembership.objects.get(consortium=gov.other).organisation
    response = page_client(gov.lead).post(
        reverse("frontend:governance-pledge-new", args=[gov.consortium.pk]),
        {
            "partner": twente.pk,
            "funder": gov.provincie.pk,
            "kind": "cash",
            "amount": "100",
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
        },
    )
    assert "partner" in response.context["form"].errors
    assert not Pledge.objects.exists()


def test_a_company_records_only_its_own_pledge(gov, page_client):
    form = (
        page_client(gov.eva)
        .get(reverse("frontend:governance-pledge-new", args=[gov.consortium.pk]))
        .context["form"]
    )
    assert list(form.fields["partner"].queryset) == [gov.pixel]


# --- agreements --------------------------------------------------------------------------------


def test_creating_an_umbrella_agreement_goes_to_its_page(gov, page_client):
    collective = OrganisationFactory(
        name="Mediacollectief Limburg", kind=OrganisationKind.COLLECTIVE
    )
    response = page_client(gov.lead).post(
        reverse("frontend:governance-agreements"),
        {
            "action": "umbrella",
            "umbrella-school": gov.vista.pk,
            "umbrella-collective": collective.pk,
            "umbrella-title": "Raamafspraak media",
            "umbrella-starts_on": "2027-02-01",
            "umbrella-ends_on": "2028-01-31",
            "umbrella-mentoring_hours": "4",
        },
    )
    agreement = Agreement.objects.get(kind="umbrella")
    assert response["Location"] == reverse("frontend:agreement-detail", args=[agreement.pk])
    html = _html(page_client(gov.lead).get(reverse("frontend:governance-agreements")))
    assert "Raamafspraak media" in html
    assert "Mediacollectief Limburg" in html


def test_an_umbrella_agreement_that_ends_before_it_starts_is_refused(gov, page_client):
    collective = OrganisationFactory(name="Mediacollectief", kind=OrganisationKind.COLLECTIVE)
    response = page_client(gov.lead).post(
        reverse("frontend:governance-agreements"),
        {
            "action": "umbrella",
            "umbrella-school": gov.vista.pk,
            "umbrella-collective": collective.pk,
            "umbrella-title": "Raamafspraak",
            "umbrella-starts_on": "2027-02-01",
            "umbrella-ends_on": "2027-01-01",
            "umbrella-mentoring_hours": "0",
        },
    )
    assert response.status_code == 200
    assert (
        "De einddatum ligt voor de startdatum."
        in response.context["umbrella_form"].errors["ends_on"]
    )
    assert not Agreement.objects.exists()


def test_an_umbrella_for_another_school_is_not_offered(gov, page_client):
    collective = OrganisationFactory(name="Collectief", kind=OrganisationKind.COLLECTIVE)
    response = page_client(gov.lead).post(
        reverse("frontend:governance-agreements"),
        {
            "action": "umbrella",
            "umbrella-school": gov.gilde.pk,
            "umbrella-collective": collective.pk,
            "umbrella-title": "X",
            "umbrella-starts_on": "2027-02-01",
            "umbrella-ends_on": "2027-03-01",
            "umbrella-mentoring_hours": "0",
        },
    )
    assert "school" in response.context["umbrella_form"].errors
    assert not Agreement.objects.exists()


def test_a_consortium_agreement_for_a_foreign_consortium_is_refused(gov, page_client):
    response = page_client(gov.lead).post(
        reverse("frontend:governance-agreements"),
        {
            "action": "consortium",
            "consortium-consortium": gov.other.pk,
            "consortium-starts_on": "2027-01-01",
            "consortium-ends_on": "2030-12-31",
        },
    )
    assert "consortium" in response.context["consortium_form"].errors
    assert not Agreement.objects.exists()


def test_teachers_and_companies_do_not_open_the_agreements_page(gov, page_client):
    url = reverse("frontend:governance-agreements")
    assert page_client(gov.devries).get(url).status_code == 403
    assert page_client(gov.jan).get(url).status_code == 403
    assert page_client(gov.admin).get(url).status_code == 200


# --- VOG policy --------------------------------------------------------------------------------


def test_staff_read_the_vog_policy_and_only_the_admin_changes_it(gov, page_client):
    CertificatePolicy.objects.create(
        organisation=gov.vista, certificate="VOG", applies_to="guest_teacher"
    )
    url = reverse("frontend:governance-policies")
    teacher = page_client(gov.devries).get(url)
    assert "Vista college" in _html(teacher)
    assert "gastdocent / expert" in _html(teacher)
    assert teacher.context["form"] is None
    assert (
        page_client(gov.devries)
        .post(
            url,
            {
                "action": "add",
                "school": gov.vista.pk,
                "certificate": "VOG",
                "applies_to": "company_mentor",
            },
        )
        .status_code
        == 403
    )
    assert CertificatePolicy.objects.count() == 1

    response = page_client(gov.admin).post(
        url,
        {
            "action": "add",
            "school": gov.vista.pk,
            "certificate": "VOG",
            "applies_to": "company_mentor",
        },
    )
    assert response.status_code == 302
    assert CertificatePolicy.objects.filter(
        organisation=gov.vista, applies_to="company_mentor"
    ).exists()


def test_a_duplicate_or_foreign_school_policy_is_refused(gov, page_client):
    CertificatePolicy.objects.create(
        organisation=gov.vista, certificate="VOG", applies_to="guest_teacher"
    )
    url = reverse("frontend:governance-policies")
    duplicate = page_client(gov.admin).post(
        url,
        {
            "action": "add",
            "school": gov.vista.pk,
            "certificate": "VOG",
            "applies_to": "guest_teacher",
        },
    )
    assert "Dit beleid bestaat al voor Vista college." in _html(duplicate)
    foreign = page_client(gov.admin).post(
        url,
        {
            "action": "add",
            "school": gov.gilde.pk,
            "certificate": "VOG",
            "applies_to": "guest_teacher",
        },
    )
    assert "school" in foreign.context["form"].errors
    assert CertificatePolicy.objects.count() == 1


def test_the_admin_removes_a_policy_after_confirming(gov, page_client):
    policy = CertificatePolicy.objects.create(
        organisation=gov.vista, certificate="VOG", applies_to="guest_teacher"
    )
    url = reverse("frontend:governance-policies")
    assert 'data-confirm="Dit beleid verwijderen?"' in _html(page_client(gov.admin).get(url))
    page_client(gov.admin).post(url, {"action": "delete", "policy": policy.pk})
    assert not CertificatePolicy.objects.exists()


# --- meetings ----------------------------------------------------------------------------------


def _future(days=7, hour=14):
    return (timezone.localtime() + dt.timedelta(days=days)).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )


def test_scheduling_a_meeting_invites_partners(gov, page_client):
    start = _future()
    response = page_client(gov.lead).post(
        reverse("frontend:engagement-meeting-new"),
        {
            "title": "Stuurgroep Digiwise",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": "90",
            "location": "https://meet.example/digiwise",
            "school": gov.vista.pk,
            "participants": [gov.peters.pk, gov.eva.pk],
            "agenda": "1. Cofinanciering",
        },
    )
    meeting = Meeting.objects.get()
    assert response["Location"] == reverse("frontend:engagement-meeting-detail", args=[meeting.pk])
    assert meeting.ends_at - meeting.starts_at == dt.timedelta(minutes=90)
    assert set(meeting.participants.values_list("user_id", flat=True)) == {
        gov.lead.pk,
        gov.peters.pk,
        gov.eva.pk,
    }


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"starts_at": "2020-01-01T10:00"}, "starts_at"),
        ({"participants": []}, "participants"),
        ({"title": ""}, "title"),
        ({"duration_minutes": "-30"}, "duration_minutes"),
    ],
)
def test_a_bad_meeting_says_why_and_schedules_nothing(gov, page_client, changes, field):
    data = {
        "title": "Overleg",
        "starts_at": _future().strftime("%Y-%m-%dT%H:%M"),
        "duration_minutes": "60",
        "participants": [gov.peters.pk],
    } | changes
    response = page_client(gov.lead).post(reverse("frontend:engagement-meeting-new"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_a_meeting_cannot_invite_a_student_or_an_outsider(gov, page_client):
    outsider = member(
        UserFactory(first_name="Xander"), SchoolFactory(name="ROC Elders"), Role.TEACHER
    )
    for person in (gov.sanne, outsider, gov.jan):
        response = page_client(gov.lead).post(
            reverse("frontend:engagement-meeting-new"),
            {
                "title": "X",
                "starts_at": _future().strftime("%Y-%m-%dT%H:%M"),
                "duration_minutes": "60",
                "participants": [person.pk],
            },
        )
        assert "participants" in response.context["form"].errors
    assert not Meeting.objects.exists()


def test_companies_and_students_do_not_schedule_meetings(gov, page_client):
    url = reverse("frontend:engagement-meeting-new")
    assert page_client(gov.eva).get(url).status_code == 403
    assert page_client(gov.sanne).get(url).status_code == 403
    assert page_client(gov.admin).get(url).status_code == 200


def test_the_organiser_cancels_a_meeting_after_confirming(gov, page_client):
    start = _future()
    meeting = meeting_schedule(
        actor=gov.lead,
        kind="working_group",
        title="Stuurgroep",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        participants=[gov.peters],
        now=timezone.now(),
    )
    url = reverse("frontend:engagement-meeting-detail", args=[meeting.pk])
    html = _html(page_client(gov.lead).get(url))
    assert 'data-confirm="Dit overleg voor iedereen annuleren?"' in html
    assert reverse("api:meeting-ics", args=[meeting.pk]) in html
    # A participant does not get the cancel form and cannot post it.
    assert "Overleg annuleren" not in _html(page_client(gov.peters).get(url))
    assert (
        page_client(gov.peters).post(url, {"action": "cancel", "cancel-reason": "x"}).status_code
        == 403
    )
    empty = page_client(gov.lead).post(url, {"action": "cancel", "cancel-reason": ""})
    assert "reason" in empty.context["cancel_form"].errors
    page_client(gov.lead).post(url, {"action": "cancel", "cancel-reason": "Te weinig aanmeldingen"})
    meeting.refresh_from_db()
    assert meeting.is_cancelled


def _queries(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


def test_the_lists_cost_the_same_queries_for_more_rows(gov, page_client):
    client = page_client(gov.lead)
    ledger = reverse("frontend:governance-cofinancing", args=[gov.consortium.pk])
    partners = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    _pledge(gov, gov.pixel)
    before = (_queries(client, ledger), _queries(client, partners))
    for n in range(4):
        company = OrganisationFactory(name=f"Partner {n}")
        consortium_member(gov.consortium, company)
        _pledge(gov, company, amount=Decimal(100 + n))
    assert (_queries(client, ledger), _queries(client, partners)) == before


def test_a_failed_end_links_its_error_to_the_rows_date_field(gov, page_client):
    url = reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    membership = ConsortiumMembership.objects.get(consortium=gov.consortium, organisation=gov.gilde)
    membership.joined_on = dt.date(2023, 1, 1)
    membership.save()
    html = _html(
        page_client(gov.admin).post(
            url, {"action": "end", "end-membership": membership.pk, "end-left_on": "2020-01-01"}
        )
    )
    assert 'href="#id_end-left_on"' in html
    assert html.count('id="id_end-left_on"') == 1
    assert 'value="2020-01-01"' in html


# --- realisations ------------------------------------------------------------------------------


def _realisation_url(gov, pledge):
    return reverse("frontend:governance-realisation-new", args=[gov.consortium.pk, pledge.pk])


def test_recording_a_realisation_paid_directly_to_a_trainer(gov, page_client):
    pledge = _pledge(gov, gov.pixel, amount=Decimal("5000"))
    trainer = OrganisationFactory(name="ICT Academie Zuid", kind=OrganisationKind.INTERMEDIARY)
    response = page_client(gov.eva).post(
        _realisation_url(gov, pledge),
        {
            "on": "2026-06-01",
            "amount": "1200",
            "evidence": "Factuur 2026-114",
            "paid_directly_to": trainer.pk,
        },
    )
    assert response.status_code == 302
    realisation = pledge.realisations.get()
    assert (realisation.amount, realisation.paid_directly_to, realisation.recorded_by) == (
        Decimal("1200"),
        trainer,
        gov.eva,
    )
    html = _html(
        page_client(gov.lead).get(
            reverse("frontend:governance-cofinancing", args=[gov.consortium.pk])
        )
    )
    assert "rechtstreeks aan ICT Academie Zuid" in html


def test_a_realisation_without_evidence_or_with_a_negative_amount_is_refused(gov, page_client):
    pledge = _pledge(gov, gov.pixel)
    response = page_client(gov.lead).post(
        _realisation_url(gov, pledge), {"on": "2026-06-01", "amount": "-10", "evidence": " "}
    )
    errors = response.context["form"].errors
    assert "evidence" in errors
    response = page_client(gov.lead).post(
        _realisation_url(gov, pledge), {"on": "2026-06-01", "amount": "-10", "evidence": "Factuur"}
    )
    assert "Vul een bedrag in euro's in, groter dan 0." in response.context["form"].errors["amount"]
    assert not pledge.realisations.exists()


def test_a_company_cannot_record_against_another_partners_pledge(gov, page_client):
    pledge = _pledge(gov, gov.gilde)
    response = page_client(gov.eva).post(
        _realisation_url(gov, pledge), {"on": "2026-06-01", "amount": "10", "evidence": "Factuur"}
    )
    assert response.status_code == 404
    assert not pledge.realisations.exists()


def test_the_agreements_and_policy_lists_cost_the_same_queries_for_more_rows(gov, page_client):
    collective = OrganisationFactory(name="Mediacollectief", kind=OrganisationKind.COLLECTIVE)

    def umbrella(n):
        agreement_services.umbrella_create(
            school=gov.vista,
            collective=collective,
            actor=gov.bos,
            now=timezone.now(),
            title=f"Raamafspraak {n}",
            starts_on=dt.date(2027, 2, 1),
            ends_on=dt.date(2028, 1, 31),
        )

    client = page_client(gov.admin)
    agreements = reverse("frontend:governance-agreements")
    policies = reverse("frontend:governance-policies")
    umbrella(0)
    CertificatePolicy.objects.create(
        organisation=gov.vista, certificate="VOG", applies_to="guest_teacher"
    )
    before = (_queries(client, agreements), _queries(client, policies))
    for n in range(1, 4):
        umbrella(n)
    for kind in ("BHV", "VCA"):
        CertificatePolicy.objects.create(
            organisation=gov.vista, certificate=kind, applies_to="company_mentor"
        )
    assert (_queries(client, agreements), _queries(client, policies)) == before
    html = _html(client.get(agreements))
    assert "Raamafspraak 3" in html
    assert "raamafspraak met een bedrijvencollectief" in html


def test_someone_who_left_a_partner_is_no_longer_invited(gov, page_client):
    from backend.accounts.models import Membership

    leaver = member(UserFactory(first_name="Wim"), gov.gilde, Role.TEACHER)
    member(leaver, SchoolFactory(name="ROC Elders"), Role.TEACHER)
    Membership.objects.filter(user=leaver, organisation=gov.gilde).update(ended_at=timezone.now())
    form = page_client(gov.lead).get(reverse("frontend:engagement-meeting-new")).context["form"]
    invitable = set(form.fields["participants"].queryset)
    assert leaver not in invitable
    assert {gov.peters, gov.eva, gov.bos} <= invitable
    assert gov.sanne not in invitable
    assert gov.jan not in invitable


def test_the_csv_link_downloads_the_same_ledger_for_a_programme_lead(gov, page_client):
    _pledge(gov, gov.pixel, amount=Decimal("12500"))
    response = page_client(gov.lead).get(reverse("api:ledger-report-csv", args=[gov.consortium.pk]))
    assert response.status_code == 200
    rows = response.content.decode().splitlines()
    assert rows[1].startswith("funder,Provincie Limburg,12500.00,0")
    assert rows[2].startswith("partner,Pixelfabriek,12500.00,0")


def test_a_company_sees_its_consortium_but_not_the_school_pages(gov, page_client):
    html = _html(page_client(gov.eva).get(reverse("frontend:governance-consortium-list")))
    assert "Digiwise Limburg" in html
    assert reverse("frontend:governance-agreements") not in html
    assert reverse("frontend:governance-policies") not in html
    detail = page_client(gov.eva).get(
        reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk])
    )
    assert detail.status_code == 200
    assert "Partner toevoegen" not in _html(detail)
    assert (
        page_client(gov.jan)
        .get(reverse("frontend:governance-consortium-detail", args=[gov.consortium.pk]))
        .status_code
        == 404
    )

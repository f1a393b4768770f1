import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from backend.accounts.models import Membership, Role
from backend.core.errors import ApplicationError, Conflict, PermissionDenied
from backend.organisations import services
from backend.organisations.models import (
    CertificatePolicy,
    ConsortiumMembership,
    ConsortiumRole,
    Location,
    Organisation,
    OrganisationKind,
)
from tests.factories import CompanyFactory, SchoolFactory, UserFactory, member

TODAY = dt.date(2026, 3, 1)


@pytest.fixture
def admin_user(db):
    return UserFactory(is_staff=True)


def test_it_creates_a_company_with_its_kvk_number_normalised(admin_user):
    company = services.organisation_create(
        actor=admin_user, name=" Drukkerij Peeters ", kind=OrganisationKind.COMPANY, kvk="1234 5679"
    )
    assert (company.name, company.kvk) == ("Drukkerij Peeters", "12345679")


@pytest.mark.parametrize("kvk", ["1234567", "123456789", "1234567A"])
def test_it_rejects_a_kvk_number_that_is_not_exactly_8_digits(admin_user, kvk):
    with pytest.raises(ValidationError) as error:
        services.organisation_create(
            actor=admin_user, name="Bedrijf", kind=OrganisationKind.COMPANY, kvk=kvk
        )
    assert "Een KvK-nummer bestaat uit precies 8 cijfers." in str(
        getattr(error.value, "message_dict", error.value)
    )
    assert not Organisation.objects.filter(name="Bedrijf").exists()


def test_it_names_the_company_that_already_has_the_kvk_number(admin_user):
    CompanyFactory(name="Bakkerij Jansen", kvk="12345678")
    with pytest.raises(ApplicationError) as error:
        services.organisation_create(
            actor=admin_user, name="Jansen BV", kind=OrganisationKind.COMPANY, kvk="12345678"
        )
    assert error.value.extra == {
        "fields": {"kvk": ["KvK-nummer 12345678 is al geregistreerd voor Bakkerij Jansen."]}
    }
    assert Organisation.objects.count() == 1


def test_it_requires_a_brin_code_for_a_school_and_checks_its_format(admin_user):
    with pytest.raises(ApplicationError) as missing:
        services.organisation_create(actor=admin_user, name="ROC X", kind=OrganisationKind.SCHOOL)
    assert missing.value.extra["fields"]["brin"] == [
        "Een mbo-school heeft een BRIN-code, bv. 25LX."
    ]
    with pytest.raises(ValidationError) as bad:
        services.organisation_create(
            actor=admin_user, name="ROC X", kind=OrganisationKind.SCHOOL, brin="X5LX"
        )
    assert bad.value.message_dict["brin"] == [
        "Een BRIN-code bestaat uit 2 cijfers en 2 hoofdletters, bv. 25LX."
    ]
    school = services.organisation_create(
        actor=admin_user, name="ROC X", kind=OrganisationKind.SCHOOL, brin="25ab"
    )
    assert school.brin == "25AB"


def test_the_database_rejects_duplicate_kvk_and_brin(db):
    CompanyFactory(kvk="11112222")
    SchoolFactory(brin="30AA")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Dubbel", kind=OrganisationKind.COMPANY, kvk="11112222")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(name="Dubbel", kind=OrganisationKind.SCHOOL, brin="30AA")
    # Blank identifiers are not duplicates: many intermediaries have none.
    Organisation.objects.create(name="A", kind=OrganisationKind.INTERMEDIARY)
    Organisation.objects.create(name="B", kind=OrganisationKind.INTERMEDIARY)


def test_a_postcode_is_normalised_and_a_bad_one_is_explained(cast, people):
    location = services.location_create(
        organisation=cast.vista,
        actor=people.institution_admin,
        name="Campus Heerlen",
        postcode="6411ab",
        city="Heerlen",
    )
    assert location.postcode == "6411 AB"
    with pytest.raises(ValidationError) as error:
        services.location_create(
            organisation=cast.vista,
            actor=people.institution_admin,
            name="Campus Sittard",
            postcode="641 AB",
            city="Sittard",
        )
    assert error.value.message_dict["postcode"] == ["Een postcode ziet eruit als 1234 AB."]
    assert Location.objects.count() == 1


def test_a_company_contact_edits_only_their_own_company(cast):
    services.organisation_update(organisation=cast.bakkerij, actor=cast.jan, employee_count=4)
    cast.bakkerij.refresh_from_db()
    assert cast.bakkerij.employee_count == 4
    with pytest.raises(PermissionDenied):
        services.organisation_update(organisation=cast.pixel, actor=cast.jan, name="Van Jan")
    cast.pixel.refresh_from_db()
    assert cast.pixel.name == "Pixelfabriek"


def test_only_koppel_staff_change_the_kind_of_an_organisation(cast, admin_user):
    with pytest.raises(ApplicationError):
        services.organisation_update(
            organisation=cast.bakkerij, actor=cast.jan, kind=OrganisationKind.COLLECTIVE
        )
    services.organisation_update(
        organisation=cast.bakkerij, actor=admin_user, kind=OrganisationKind.COLLECTIVE
    )
    cast.bakkerij.refresh_from_db()
    assert cast.bakkerij.kind == OrganisationKind.COLLECTIVE


def test_a_takeover_keeps_the_old_company_and_its_memberships(cast, admin_user):
    services.organisation_succeed(
        organisation=cast.bakkerij, successor=cast.pixel, on=TODAY, actor=admin_user
    )
    cast.bakkerij.refresh_from_db()
    assert (cast.bakkerij.succeeded_by, cast.bakkerij.succeeded_on) == (cast.pixel, TODAY)
    assert cast.bakkerij.current() == cast.pixel
    assert list(Organisation.objects.companies().active()) == [cast.pixel]
    # History stays: Jan is still recorded as the bakery's contact.
    assert (
        Membership.objects.active()
        .filter(user=cast.jan, organisation=cast.bakkerij, role=Role.COMPANY_CONTACT)
        .exists()
    )


def test_a_takeover_follows_the_chain_and_refuses_repeats_and_taken_over_successors(
    cast, admin_user
):
    third = CompanyFactory(name="Mediagroep Noord")
    services.organisation_succeed(
        organisation=cast.bakkerij, successor=cast.pixel, on=TODAY, actor=admin_user
    )
    services.organisation_succeed(
        organisation=cast.pixel, successor=third, on=TODAY, actor=admin_user
    )
    cast.bakkerij.refresh_from_db()
    assert cast.bakkerij.current() == third
    with pytest.raises(Conflict, match="al overgenomen door Pixelfabriek"):
        services.organisation_succeed(
            organisation=cast.bakkerij, successor=third, on=TODAY, actor=admin_user
        )
    with pytest.raises(Conflict, match="zelf overgenomen door Mediagroep Noord; kies die"):
        services.organisation_succeed(
            organisation=third, successor=cast.bakkerij, on=TODAY, actor=admin_user
        )
    with pytest.raises(ApplicationError, match="zichzelf"):
        services.organisation_succeed(
            organisation=third, successor=third, on=TODAY, actor=admin_user
        )


def test_a_takeover_needs_staff_or_a_contact_of_both_companies(cast):
    with pytest.raises(PermissionDenied):
        services.organisation_succeed(
            organisation=cast.bakkerij, successor=cast.pixel, on=TODAY, actor=cast.jan
        )
    member(cast.jan, cast.pixel, Role.COMPANY_CONTACT)
    services.organisation_succeed(
        organisation=cast.bakkerij, successor=cast.pixel, on=TODAY, actor=cast.jan
    )
    cast.bakkerij.refresh_from_db()
    assert cast.bakkerij.succeeded_by == cast.pixel


def test_the_lead_organisations_admin_manages_consortium_members(cast, people):
    added = services.consortium_member_add(
        consortium=cast.consortium,
        organisation=cast.bakkerij,
        role=ConsortiumRole.ASSOCIATE,
        actor=people.institution_admin,
        joined_on=TODAY,
    )
    assert added.role == ConsortiumRole.ASSOCIATE
    with pytest.raises(Conflict):
        services.consortium_member_add(
            consortium=cast.consortium,
            organisation=cast.bakkerij,
            role=ConsortiumRole.PARTNER,
            actor=people.institution_admin,
        )
    services.consortium_member_end(
        membership=added, left_on=TODAY + dt.timedelta(days=30), actor=people.institution_admin
    )
    rejoined = services.consortium_member_add(
        consortium=cast.consortium,
        organisation=cast.bakkerij,
        role=ConsortiumRole.PARTNER,
        actor=people.institution_admin,
    )
    assert rejoined.pk == added.pk
    assert rejoined.left_on is None
    # Gilde is a partner, not the lead: its people cannot manage the members.
    with pytest.raises(PermissionDenied):
        services.consortium_member_end(membership=added, left_on=TODAY, actor=cast.peters)


def test_the_database_rejects_a_second_membership_of_the_same_consortium(cast):
    with pytest.raises(IntegrityError), transaction.atomic():
        ConsortiumMembership.objects.create(
            consortium=cast.consortium, organisation=cast.vista, role=ConsortiumRole.PARTNER
        )


def test_a_consortium_starts_with_its_lead_and_refuses_a_duplicate_name(cast, people):
    consortium = services.consortium_create(
        actor=people.institution_admin, name="Zorg Zuid", lead=cast.vista
    )
    assert list(consortium.memberships.values_list("organisation", "role")) == [
        (cast.vista.pk, ConsortiumRole.LEAD)
    ]
    with pytest.raises(ApplicationError, match="bestaat al een consortium"):
        services.consortium_create(
            actor=people.institution_admin, name="zorg zuid", lead=cast.vista
        )
    with pytest.raises(PermissionDenied):
        services.consortium_create(actor=cast.bos, name="Nog een", lead=cast.vista)


def test_an_institution_admin_sets_certificate_policies_for_their_own_school_only(cast, people):
    policy = services.certificate_policy_create(
        organisation=cast.vista,
        certificate="VOG",
        applies_to="guest_teacher",
        actor=people.institution_admin,
    )
    with pytest.raises(Conflict):
        services.certificate_policy_create(
            organisation=cast.vista,
            certificate="VOG",
            applies_to="guest_teacher",
            actor=people.institution_admin,
        )
    with pytest.raises(PermissionDenied):
        services.certificate_policy_create(
            organisation=cast.gilde,
            certificate="VOG",
            applies_to="guest_teacher",
            actor=people.institution_admin,
        )
    with pytest.raises(PermissionDenied):
        services.certificate_policy_delete(policy=policy, actor=cast.bos)
    assert list(CertificatePolicy.objects.values_list("organisation", flat=True)) == [cast.vista.pk]
    with pytest.raises(IntegrityError), transaction.atomic():
        CertificatePolicy.objects.create(
            organisation=cast.vista, certificate="VOG", applies_to="guest_teacher"
        )

"""Schools, hogescholen, companies, locations, the consortium and institution policies."""

import datetime as dt

from backend.demo.context import Demo, Scenario
from backend.demo.data import JsonObject, postcode, slug
from backend.organisations.models import (
    CertificatePolicy,
    Consortium,
    ConsortiumMembership,
    ConsortiumRole,
    Location,
    Organisation,
    OrganisationKind,
)


def build(demo: Demo, scenario: Scenario) -> None:
    data = scenario.data
    scenario.consortium = _consortium(data.get("consortium"))
    for school in data["schools"]:
        scenario.schools[school["key"]] = Organisation(
            name=school["name"],
            kind=school["kind"],
            brin=school["brin"],
            description=f"{data['label']}.",
            # Every demo login works with the password alone; the demo superuser shows the
            # second step (its secret is printed by load_demo; docs/two-factor.md).
            require_two_factor=False,
        )
    for other in data.get("other_organisations", []):
        scenario.organisations[other["key"]] = Organisation(
            name=other["name"],
            kind=other["kind"],
            kvk=_kvk(demo) if other["kind"] == OrganisationKind.COMPANY else "",
            employee_count=other.get("employees"),
            description=other.get("description", ""),
        )
    for company in data["companies"]:
        scenario.companies[company["name"]] = Organisation(
            name=company["name"],
            kind=OrganisationKind.COMPANY,
            kvk=_kvk(demo),
            employee_count=company["employees"],
            description=company.get("description", ""),
            website=f"https://www.{_domain_name(company['name'])}.example",
        )
    everything = [
        *scenario.schools.values(),
        *scenario.organisations.values(),
        *scenario.companies.values(),
    ]
    Organisation.objects.bulk_create(everything)
    _takeovers(demo, scenario)
    _locations(demo, scenario)
    _memberships(demo, scenario)
    _policies(scenario)


def _consortium(data: JsonObject | None) -> Consortium | None:
    if not data:
        return None
    return Consortium.objects.create(
        name=data["name"],
        description=data["description"],
        starts_on=dt.date.fromisoformat(data["starts_on"]) if data.get("starts_on") else None,
        ends_on=dt.date.fromisoformat(data["ends_on"]) if data.get("ends_on") else None,
    )


def _kvk(demo: Demo) -> str:
    # Fictional 8-digit numbers in one block, unique across the whole demo.
    while True:
        number = f"{demo.rng.randrange(60_000_000, 69_999_999):08d}"
        if number not in demo.kvks:
            demo.kvks.add(number)
            return number


def _domain_name(name: str) -> str:
    return slug(name).replace(".", "")[:40]


def _takeovers(demo: Demo, scenario: Scenario) -> None:
    for other in scenario.data.get("other_organisations", []):
        if other.get("succeeded_by"):
            organisation = scenario.organisations[other["key"]]
            organisation.succeeded_by = scenario.organisations[other["succeeded_by"]]
            organisation.succeeded_on = dt.date.fromisoformat(other["succeeded_on"])
            organisation.save(update_fields=["succeeded_by", "succeeded_on"])


def _locations(demo: Demo, scenario: Scenario) -> None:
    data = scenario.data
    cities = data["cities"]
    streets = data["streets"]
    rows = []
    by_city = [(o, s["city"]) for s in data["schools"] for o in [scenario.schools[s["key"]]]]
    by_city += [
        (scenario.organisations[o["key"]], o["city"]) for o in data.get("other_organisations", [])
    ]
    by_city += [(scenario.companies[c["name"]], c["city"]) for c in data["companies"]]
    for organisation, city in by_city:
        rows.append(
            Location(
                organisation=organisation,
                name="Hoofdlocatie" if organisation.is_school else organisation.name,
                street=f"{demo.rng.choice(streets)} {demo.rng.randint(1, 180)}",
                postcode=postcode(demo.rng, cities[city]),
                city=city,
            )
        )
    Location.objects.bulk_create(rows)
    scenario.locations = {location.organisation_id: location for location in rows}


def _memberships(demo: Demo, scenario: Scenario) -> None:
    if scenario.consortium is None:
        return
    data = scenario.data
    joined = scenario.consortium.starts_on
    rows = [
        ConsortiumMembership(
            consortium=scenario.consortium,
            organisation=scenario.schools[school["key"]],
            role=school.get("consortium_role", ConsortiumRole.PARTNER),
            joined_on=joined,
        )
        for school in data["schools"]
    ]
    rows += [
        ConsortiumMembership(
            consortium=scenario.consortium,
            organisation=scenario.organisations[other["key"]],
            role=other.get("consortium_role", ConsortiumRole.ASSOCIATE),
            joined_on=joined,
        )
        for other in data.get("other_organisations", [])
    ]
    # Every company in the network shares the consortium's company database.
    rows += [
        ConsortiumMembership(
            consortium=scenario.consortium,
            organisation=scenario.companies[company["name"]],
            role=company.get("consortium_role", ConsortiumRole.ASSOCIATE),
            joined_on=joined + dt.timedelta(days=demo.rng.randint(0, 700)) if joined else None,
        )
        for company in data["companies"]
    ]
    ConsortiumMembership.objects.bulk_create(rows)


def _policies(scenario: Scenario) -> None:
    CertificatePolicy.objects.bulk_create(
        [
            CertificatePolicy(
                organisation=scenario.schools[school["key"]],
                certificate=policy["certificate"],
                applies_to=policy["applies_to"],
                note=policy.get("note", ""),
            )
            for school in scenario.data["schools"]
            for policy in school.get("policies", [])
        ]
    )

"""The learning loop in a real browser (issue 15), as the people in it see it:

1. Jan (Bakkerij Jansen), on his phone, opens "Feedback", finds Sanne (first name only), rates
   each werkproces with the radio buttons, writes a comment and sends it after confirming.
2. Sanne opens "Mijn leren", sees the company's feedback arrived, writes her STARR
   self-assessment for B1-K1-W1, saves a draft, adds a PDF and submits it.
3. De Vries opens "Leren" -> "Valideren", reads it with the company's rating and the attachment,
   asks for more evidence; Sanne reads why, adds to it and resubmits; De Vries validates "goed".
4. Sanne's portfolio counts it (1 of 3), the print version too; De Vries issues a badge from her
   portfolio; Sanne publishes it; anyone can verify it and fetch the Open Badges assertion.

Every link on every page the journey opens is requested too (assert_links_work)."""

import json

import pytest
from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import expect

from backend.curriculum.models import WerkprocesEvidence
from backend.learning.models import Badge, ReviewStatus, SelfAssessment
from tests.browser.journeys import confirm_action, main_menu
from tests.browser.learning_world import assert_links_work, learning_world, minimal_pdf

pytestmark = pytest.mark.browser

COMMENT = "Sanne werkte zelfstandig en vroeg op tijd om hulp."
STARR = {
    "Situatie": "De bakkerij wilde bestellingen online aannemen.",
    "Taak": "Ik moest de bestelpagina bouwen en testen.",
    "Actie": "Ik heb met Jan de wensen doorgelopen en een prototype gemaakt.",
    "Resultaat": "De pagina werkt.",
    "Reflectie": "Volgende keer vraag ik eerder om feedback van de klant.",
}
MORE = "Laat zien hoe je de bestelpagina hebt getest: voeg je testverslag toe."
RESULT_AFTER = (
    "De pagina werkt; het testverslag staat in de bijlage. Twaalf bestellingen in week 1."
)


def _today() -> str:
    return date_format(timezone.localdate(), "j F Y")


def _message(page):
    return page.locator(".messages")


def test_company_feedback_self_assessment_validation_and_a_public_badge(
    cast, page, phone_page, login, live_server, settings
):
    # Absolute links (the badge's public link and its JSON) point at this server.
    settings.SITE_URL = live_server.url
    world = learning_world(cast)
    offer, w1, p1 = world.placed.offer, world.w1, world.p1
    sanne = cast.sanne
    checked: set = set()

    # 1. Jan, on his phone: "Feedback" in the menu, Sanne's first name only, rate, send.
    login(phone_page, cast.jan)
    main_menu(phone_page).get_by_role("link", name="Feedback").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Feedback op uw teams")
    open_rows = phone_page.locator("#open-feedback > li")
    expect(open_rows).to_have_count(1)
    expect(open_rows.first).to_contain_text("Sanne · niveau 2")
    expect(open_rows.first).to_contain_text(f"Team: {offer.title} · eindbeoordeling")
    due = date_format(world.feedback.due_on, "j F Y")
    expect(open_rows.first).to_contain_text(f"graag ingevuld voor {due}")
    main = phone_page.locator("main")
    expect(main).not_to_contain_text(sanne.last_name)
    expect(main).not_to_contain_text(sanne.email)
    assert_links_work(phone_page, checked, who="jan")

    open_rows.first.get_by_role("link", name="Invullen voor Sanne").click()
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Feedback over Sanne")
    expect(main).not_to_contain_text(sanne.last_name)
    expect(main).not_to_contain_text(sanne.email)
    # One row of four radio buttons per werkproces the offer is mapped to, titles shown.
    groups = phone_page.locator("#company-feedback-form fieldset")
    expect(groups).to_have_count(2)
    for werkproces, level in ((w1, "goed"), (p1, "oefenen")):
        group = phone_page.get_by_role("group", name=f"{werkproces.code} {werkproces.title}")
        expect(group.get_by_role("radio")).to_have_count(4)
        group.get_by_label(level, exact=True).check()
    phone_page.get_by_label("Toelichting").fill(COMMENT)
    # The form fits a phone: no sideways scrolling.
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_links_work(phone_page, checked, who="jan")
    question = confirm_action(
        phone_page, phone_page.get_by_role("button", name="Feedback versturen")
    )
    assert "Feedback over Sanne versturen?" in question
    expect(_message(phone_page)).to_contain_text("Dank u wel. Uw feedback over Sanne is verstuurd.")
    expect(phone_page.locator("#open-feedback")).to_have_count(0)
    done = phone_page.locator("#done-feedback tbody tr")
    expect(done).to_have_count(1)
    expect(done.first).to_contain_text("Sanne")
    expect(done.first).to_contain_text(_today())
    done.first.get_by_role("link", name="Sanne").click()
    expect(phone_page.locator("main")).to_contain_text(f"U vulde deze feedback in op {_today()}.")
    given = phone_page.locator("#given-ratings tbody tr")
    expect(given).to_have_count(2)
    expect(given.nth(0)).to_contain_text(f"{w1.code} {w1.title}")
    expect(given.nth(0)).to_contain_text("goed")
    expect(given.nth(1)).to_contain_text("oefenen")
    expect(phone_page.locator("main")).to_contain_text(COMMENT)
    expect(phone_page.get_by_role("button", name="Feedback versturen")).to_have_count(0)
    assert_links_work(phone_page, checked, who="jan")

    # 2. Sanne: the company's feedback arrived; STARR draft, a PDF, submitted.
    login(page, sanne)
    main_menu(page).get_by_role("link", name="Mijn leren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mijn leren")
    activity = page.locator(f"#activity-{offer.pk}")
    expect(activity.get_by_role("heading")).to_have_text(offer.title)
    rows = activity.locator("tbody tr")
    expect(rows).to_have_count(2)
    row = rows.filter(has_text=w1.code)
    expect(row.locator("td").nth(0)).to_have_text("nog niet begonnen")
    expect(row.locator("td").nth(1)).to_have_text("ontvangen")
    expect(rows.filter(has_text=p1.code).locator("td").nth(1)).to_have_text("ontvangen")
    assert_links_work(page, checked, who="sanne")

    row.get_by_role("link", name="Beoordeel jezelf").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{w1.code} {w1.title}")
    expect(page.locator("#company-ratings")).to_have_text(f"Eindbeoordeling: goed ({_today()})")
    expect(page.locator("main")).to_contain_text("Sla eerst je concept op")
    page.get_by_role("group", name="Welk niveau geef je jezelf?").get_by_label(
        "voldoende", exact=True
    ).check()
    for label, text in STARR.items():
        page.get_by_label(label, exact=True).fill(text)
    page.get_by_role("button", name="Concept opslaan").click()
    expect(_message(page)).to_contain_text("Je concept is opgeslagen.")
    expect(page.locator("#assessment-status")).to_contain_text("concept")
    expect(page.get_by_label("Resultaat", exact=True)).to_have_value(STARR["Resultaat"])

    pdf = minimal_pdf()
    page.get_by_label("Bijlage toevoegen").set_input_files(
        {"name": "testverslag.pdf", "mimeType": "application/pdf", "buffer": pdf}
    )
    page.locator("#attachment-form").get_by_role("button", name="Toevoegen", exact=True).click()
    expect(_message(page)).to_contain_text("“testverslag.pdf” is toegevoegd.")
    attachment = page.locator("#attachments").get_by_role("link", name="testverslag.pdf")
    expect(attachment).to_have_count(1)
    download = page.context.request.get(attachment.get_attribute("href"))
    assert download.status == 200
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.headers["x-content-type-options"] == "nosniff"
    assert download.body() == pdf
    assert_links_work(page, checked, who="sanne")

    page.get_by_role("button", name="Indienen bij je coach").click()
    expect(_message(page)).to_contain_text("Je zelfbeoordeling is ingediend.")
    expect(page.locator("#assessment-status")).to_contain_text(f"ingediend sinds {_today()}")
    expect(page.locator("#self-assessment-form")).to_have_count(0)
    expect(page.locator("#self-assessment-read")).to_contain_text(STARR["Actie"])
    assessment = SelfAssessment.objects.get(student=sanne, offer=offer, werkproces=w1)
    assert assessment.status == ReviewStatus.SUBMITTED

    # 3. De Vries: "Leren" -> "Valideren"; the company's rating and the PDF; more evidence.
    login(page, cast.devries)
    main_menu(page).get_by_role("link", name="Leren").click()
    assert_links_work(page, checked, who="devries")
    page.locator("main").get_by_role("link", name="Valideren").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Valideren")
    expect(page.locator("#validation-queue caption")).to_have_text("1 zelfbeoordeling wacht op u")
    queue = page.locator("#validation-queue tbody tr")
    expect(queue).to_have_count(1)
    expect(queue.first).to_contain_text(f"{w1.code} {w1.title}")
    expect(queue.first).to_contain_text(f"{offer.title} · Bakkerij Jansen")
    expect(queue.first).to_contain_text(_today())
    assert_links_work(page, checked, who="devries")
    queue.first.get_by_role("link", name=sanne.get_full_name()).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"{w1.code} van {sanne.get_full_name()}"
    )
    expect(page.locator("#starr")).to_contain_text(STARR["Situatie"])
    ratings = page.locator("table.company-feedback tbody tr")
    expect(ratings).to_have_count(2)
    expect(ratings.filter(has_text=w1.code).locator("td").nth(1)).to_have_text("goed")
    expect(ratings.filter(has_text=p1.code).locator("td").nth(1)).to_have_text("oefenen")
    expect(page.locator("main")).to_contain_text(COMMENT)
    expect(page.locator("#attachments").get_by_role("link", name="testverslag.pdf")).to_have_count(
        1
    )
    assert_links_work(page, checked, who="devries")  # the staff download of the PDF included
    page.get_by_label("Welk bewijs ontbreekt nog?").fill(MORE)
    page.get_by_role("button", name="Terugsturen naar de student").click()
    expect(_message(page)).to_contain_text("Sanne is gevraagd om meer bewijs.")
    expect(page.locator("main")).to_contain_text("Er wacht niets op u.")

    # Sanne reads why, adds to it and submits again.
    login(page, sanne)
    main_menu(page).get_by_role("link", name="Mijn leren").click()
    row = page.locator(f"#activity-{offer.pk} tbody tr").filter(has_text=w1.code)
    expect(row.locator("td").nth(0)).to_have_text("meer bewijs gevraagd")
    row.get_by_role("link", name="Verder werken").click()
    expect(page.locator("#coach-feedback")).to_contain_text(f"Je coach op {_today()}:")
    expect(page.locator("#coach-feedback")).to_contain_text(MORE)
    expect(page.get_by_label("Situatie", exact=True)).to_have_value(STARR["Situatie"])
    page.get_by_label("Resultaat", exact=True).fill(RESULT_AFTER)
    assert_links_work(page, checked, who="sanne")
    page.get_by_role("button", name="Indienen bij je coach").click()
    expect(_message(page)).to_contain_text("Je zelfbeoordeling is ingediend.")
    expect(page.locator("#self-assessment-read")).to_contain_text(RESULT_AFTER)
    steps = page.locator("#assessment-steps li")
    expect(steps).to_have_count(3)
    expect(steps.nth(1)).to_contain_text("meer bewijs gevraagd")
    expect(steps.nth(1)).to_contain_text(MORE)

    # De Vries validates at "goed".
    login(page, cast.devries)
    page.goto("/leren/valideren/")
    page.locator("#validation-queue").get_by_role("link", name=sanne.get_full_name()).click()
    expect(page.locator("#starr")).to_contain_text(RESULT_AFTER)
    validate = page.locator("#validate-form")
    validate.get_by_label("goed", exact=True).check()
    validate.get_by_label("Toelichting voor de student").fill("Bevestigd door Jan en je test.")
    question = confirm_action(page, validate.get_by_role("button", name="Valideren"))
    assert "Het niveau telt daarna mee in het portfolio" in question
    expect(_message(page)).to_contain_text("De zelfbeoordeling van Sanne is gevalideerd.")
    evidence = WerkprocesEvidence.objects.get(student=sanne, werkproces=w1)
    assert (evidence.level, evidence.validated_by, evidence.offer) == ("goed", cast.devries, offer)

    # 4. Sanne's portfolio: 1 of 3 demonstrated; the print version says the same.
    login(page, sanne)
    main_menu(page).get_by_role("link", name="Mijn leren").click()
    page.locator("#learning-links").get_by_role("link", name="Mijn portfolio").click()
    summary = page.locator("#portfolio-summary")
    expect(summary.locator(".stat")).to_have_text("1/3")
    expect(summary).to_contain_text("Je hebt 1 van de 3 werkprocessen aangetoond.")
    expect(page.locator(f"#werkproces-{w1.pk} td").first).to_have_text("aangetoond: goed")
    expect(page.locator(f"#werkproces-{p1.pk} td").first).to_have_text("oefenen")
    open_list = page.locator("#portfolio-open li")
    expect(open_list).to_have_count(2)
    expect(open_list.nth(0)).to_contain_text("B1-K1-W2")
    expect(open_list.nth(1)).to_contain_text(p1.code)
    page.locator(f"#werkproces-{w1.pk} summary").click()
    expect(page.locator(f"#werkproces-{w1.pk}")).to_contain_text(
        f"Gevalideerd: goed, door {cast.devries.get_full_name()} op {_today()}"
    )
    assert_links_work(page, checked, who="sanne")
    page.get_by_role("link", name="Afdrukbare versie").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Portfolio van {sanne.get_full_name()}"
    )
    expect(page.locator("body")).to_contain_text("1 van de 3 werkprocessen aangetoond")
    expect(page.locator("nav")).to_have_count(0)  # printable: no menu
    assert_links_work(page, checked, who="sanne")

    # De Vries issues a badge from Sanne's portfolio.
    login(page, cast.devries)
    main_menu(page).get_by_role("link", name="Leren").click()
    page.locator("#class-overview").get_by_role("link", name=sanne.get_full_name()).click()
    expect(page.locator("#portfolio-summary")).to_contain_text(
        "Sanne heeft 1 van de 3 werkprocessen aangetoond."
    )
    issue = page.get_by_role("button", name=f"Badge uitgeven — {w1.code}")
    expect(issue).to_have_count(1)  # only the demonstrated werkproces may get one
    question = confirm_action(page, issue)
    assert f"Badge uitgeven voor {w1.code}?" in question
    expect(_message(page)).to_contain_text(f"Badge {w1.code} uitgegeven aan Sanne.")
    expect(page.get_by_role("button", name=f"Badge uitgeven — {w1.code}")).to_have_count(0)
    assert_links_work(page, checked, who="devries")
    badge = Badge.objects.get(student=sanne)
    assert badge.published_at is None

    # Sanne publishes it.
    login(page, sanne)
    main_menu(page).get_by_role("link", name="Mijn leren").click()
    page.locator("#learning-links").get_by_role("link", name="Mijn badges").click()
    card = page.locator(f"#badge-{badge.uid}")
    expect(card.get_by_role("heading")).to_contain_text(f"Werkproces {w1.code} · {w1.title}")
    expect(card.get_by_role("heading")).to_contain_text("niet openbaar")
    card.get_by_role("button", name="Openbaar maken").click()
    expect(_message(page)).to_contain_text("Je badge is openbaar.")
    verify_url = f"{live_server.url}/badges/{badge.uid}/"
    assertion_url = f"{live_server.url}/badges/{badge.uid}.json"
    expect(card.locator("a.public-link")).to_have_attribute("href", verify_url)
    expect(card.get_by_role("link", name="Download de badge (JSON)")).to_have_attribute(
        "href", assertion_url
    )
    assert_links_work(page, checked, who="sanne")

    # Anyone (a new context, not signed in) verifies it.
    anonymous = page.context.browser.new_context(base_url=live_server.url, locale="nl-NL")
    try:
        public = anonymous.new_page()
        public.goto(verify_url)
        expect(public.get_by_role("heading", level=1)).to_have_text("Badge controleren")
        expect(public.locator("#badge-status")).to_have_text("geldig")
        expect(public.locator("#badge-recipient")).to_have_text("Sanne")
        expect(public.locator("main")).not_to_contain_text(sanne.last_name)
        expect(public.locator("main")).not_to_contain_text(sanne.email)
        expect(public.locator("main")).to_contain_text(f"Werkproces {w1.code} ‘{w1.title}’")
        image = public.locator("img.badge-image")
        assert public.evaluate("img => img.naturalWidth > 0", image.element_handle())
        assert_links_work(public, checked, who="anonymous", signed_in=False)
        public.get_by_role("link", name="De badge als Open Badges-gegevens (JSON)").click()
        answer = anonymous.request.get(assertion_url)
        assert answer.status == 200
        assert answer.headers["content-type"].startswith("application/")
        document = json.loads(answer.text())
        assert document["id"] == assertion_url
        assert document["type"] == "Assertion"
        assert document["recipient"]["hashed"] is True
        assert sanne.email not in answer.text()
        badge_class = anonymous.request.get(document["badge"])
        assert badge_class.status == 200
        assert json.loads(badge_class.text())["name"]
    finally:
        anonymous.close()
    # The link checks really ran: every person's menu and the pages' own links.
    print(f"\n{len(checked)} links requested")
    assert {who for who, _ in checked} == {"jan", "sanne", "devries", "anonymous"}
    assert len(checked) >= 40

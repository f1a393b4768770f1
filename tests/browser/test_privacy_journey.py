"""Privacy in a real browser (issue 14): a student opens "Privacy", reads what Koppel keeps,
opens all their data, gives and withdraws consent for event photos and asks for their data to be
erased; the school's privacy officer sees the request on her home page, opens the student's data
with a reason (which the access log then shows), and erases the student after confirming. The
student's account is gone afterwards: signing in fails."""

import json

import pytest
from playwright.sync_api import expect

from backend.accounts.models import Consent, ConsentPurpose, PersonalDataRead, User
from backend.agreements.services import verify_chain
from backend.privacy.models import DataRequest, RequestKind, RequestStatus
from tests.browser.journeys import confirm_action
from tests.factories import PASSWORD, student

pytestmark = pytest.mark.browser


def test_a_student_uses_their_rights_and_the_officer_erases_them(cast, page, login):
    zoe = student(school=cast.vista, kwalificatie=cast.ict_niveau2, first_name="Zoë")
    User.objects.filter(pk=zoe.pk).update(last_name="Quistorp", email="zoe.quistorp@vista.test")
    zoe.refresh_from_db()

    login(page, zoe)
    page.locator("nav.site-nav").get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy en jouw gegevens")

    page.get_by_role("link", name="Bekijk al je gegevens").click()
    main = page.locator("main")
    expect(main).to_contain_text("zoe.quistorp@vista.test")
    expect(main).to_contain_text("Opleiding en inschrijving")
    expect(main).not_to_contain_text("Sanne")  # another student of the school
    with page.expect_download() as download:
        page.get_by_role("link", name="Downloaden als JSON-bestand").first.click()
    exported = json.loads(download.value.path().read_text())
    assert exported["format"] == "koppel-personal-data/1"
    assert exported["subject"]["email"] == "zoe.quistorp@vista.test"
    page.go_back()

    page.goto("/mijn-privacy/")
    photos = page.locator(f"#consent-{ConsentPurpose.EVENT_PHOTOS}")
    photos.get_by_role("button", name="Ik geef toestemming").click()
    expect(photos).to_contain_text("toestemming gegeven")
    photos.get_by_role("button", name="Toestemming intrekken").click()
    expect(photos).to_contain_text("geen toestemming")
    consent = Consent.objects.get(person=zoe, purpose=ConsentPurpose.EVENT_PHOTOS)
    assert consent.withdrawn_at is not None
    assert consent.wording

    page.get_by_role("link", name="Een verzoek indienen").click()
    page.get_by_label("Gegevens laten verwijderen").check()
    page.get_by_label("Toelichting").fill("Ik stop met de opleiding.")
    page.get_by_role("button", name="Verzoek versturen").click()
    expect(page.locator("#my-requests")).to_contain_text("ingediend")
    request = DataRequest.objects.get(subject=zoe, kind=RequestKind.ERASURE)

    login(page, cast.fenna)
    page.locator("nav.site-nav").get_by_role("link", name="Privacy").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Privacy")
    expect(page.locator("main")).to_contain_text("1 open verzoek")

    page.goto(f"/privacy/studenten/{zoe.pk}/gegevens/")
    page.get_by_label("Reden").fill(f"verzoek #{request.pk}")
    page.get_by_role("button", name="Gegevens tonen").click()
    expect(page.locator("main")).to_contain_text("zoe.quistorp@vista.test")
    read = PersonalDataRead.objects.get(student=zoe, reader=cast.fenna)
    assert read.reason == f"verzoek #{request.pk}"
    page.goto("/privacy/inzagelog/")
    expect(page.locator("main")).to_contain_text(f"verzoek #{request.pk}")

    page.goto("/privacy/verzoeken/")
    page.get_by_role("link", name="Quistorp").first.click()
    page.get_by_role("link", name="Naar wissen").click()
    confirm_action(page, page.get_by_role("button", name="Definitief wissen"))
    expect(page.locator("main")).to_contain_text("Verslag van het wissen")

    request.refresh_from_db()
    zoe.refresh_from_db()
    assert request.status == RequestStatus.DONE
    assert zoe.email == f"erased-{zoe.pk}@invalid"
    assert not zoe.is_active
    assert not User.objects.filter(first_name="Zoë").exists()
    assert verify_chain() == []

    page.context.clear_cookies()
    page.goto("/login/")
    page.locator("#id_username").fill("zoe.quistorp@vista.test")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.login-form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("passen niet bij elkaar")

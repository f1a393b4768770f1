"""Dates read as the reader's language: Dutch month names in Dutch ("3 maart 2027", never
"3 Mar 2027"), English ones in English; and the menu is in the language the person chose."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from backend.offers.models import OfferStatus
from frontend.context_processors import NAV_ITEMS
from tests.factories import OfferFactory

pytestmark = pytest.mark.django_db

SAME_IN_BOTH_LANGUAGES = {"Teams", "Privacy", "Feedback"}
# "3 Mar 2027" (Django's `M`), not "3 maart" or "3 March": \b stops at the end of the abbreviation.
ENGLISH_MONTH_ABBREVIATIONS = re.compile(
    r"\b\d{1,2} (Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Oct|Nov|Dec)\b"
)


@pytest.fixture
def march_offer(cast):
    return OfferFactory(
        owner=cast.bakkerij,
        contact=cast.jan,
        title="Nieuwe kassa",
        status=OfferStatus.DRAFT,
        starts_on=dt.date(2027, 3, 3),
        ends_on=dt.date(2027, 5, 28),
    )


def _page(page_client, user, language):
    client = page_client(user)
    client.cookies["django_language"] = language
    response = client.get(reverse("frontend:offer-list"))
    assert response.status_code == 200
    return response.content.decode()


def test_dutch_pages_show_dutch_month_names(page_client, cast, march_offer):
    html = _page(page_client, cast.jan, "nl")

    assert "3 maart 2027" in html
    assert "28 mei 2027" in html
    assert not ENGLISH_MONTH_ABBREVIATIONS.search(html)


def test_english_pages_show_english_month_names(page_client, cast, march_offer):
    html = _page(page_client, cast.jan, "en")

    assert "3 March 2027" in html
    assert "maart" not in html


@pytest.mark.parametrize("who", ["jan", "bos", "devries", "sanne"])
def test_the_menu_follows_the_chosen_language(page_client, cast, who):
    client = page_client(getattr(cast, who))
    client.cookies["django_language"] = "en"
    html = client.get(reverse("frontend:dashboard")).content.decode()
    nav = html[html.index('<nav class="site-nav"') :]
    nav = nav[: nav.index("</nav>")]

    with translation.override("nl"):
        dutch_labels = {str(label) for _url, label, _roles in NAV_ITEMS}
    dutch_labels -= SAME_IN_BOTH_LANGUAGES
    shown = set(re.findall(r'aria-current="page">([^<]+)<|">([^<]+)</a>', nav))
    shown_labels = {text for pair in shown for text in pair if text}
    assert shown_labels, "the menu shows no items"
    untranslated = shown_labels & dutch_labels
    assert not untranslated, f"Dutch labels in the English menu: {sorted(untranslated)}"

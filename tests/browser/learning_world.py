"""Helpers for the learning-loop journey (tests/browser/test_learning_journey.py): the data it
starts from (built from the cast), a real minimal PDF to upload, and a check that every link on a
page answers (no 404, no bounce to the login page)."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urldefrag, urlsplit

from django.utils import timezone

from backend.curriculum.models import Werkproces
from backend.learning.models import CompanyFeedback
from backend.learning.services.company_feedback import company_feedback_open_due
from tests.backend.learning.factories import Placement, placement

SKIPPED_PATHS = ("/logout", "/uitloggen", "/i18n/", "/admin/")


def minimal_pdf() -> bytes:
    """A one-page PDF a reader opens: catalog, pages, page, a correct xref table and trailer."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


@dataclass
class LearningWorld:
    placed: Placement
    feedback: CompanyFeedback
    w1: Werkproces  # B1-K1-W1: the one Sanne demonstrates
    p1: Werkproces  # P1-K1-W1: rated by the company, not assessed


def learning_world(cast) -> LearningWorld:
    """Sanne on a five-week Bakkerij Jansen challenge (mapped to B1-K1-W1 and P1-K1-W1) whose last
    week began two days ago: the daily task opens exactly one request, the final moment (an
    activity under six weeks has no midpoint)."""
    today = timezone.localdate()
    placed = placement(
        cast, starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=5)
    )
    assert company_feedback_open_due(now=timezone.now()) == 1
    assert company_feedback_open_due(now=timezone.now()) == 0  # the task runs daily: idempotent
    w1, p1 = placed.werkprocessen
    assert (w1.code, p1.code) == ("B1-K1-W1", "P1-K1-W1")
    return LearningWorld(
        placed=placed, feedback=CompanyFeedback.objects.get(student=cast.sanne), w1=w1, p1=p1
    )


def assert_links_work(page, checked: set, *, who: str, signed_in: bool = True) -> None:
    """Every same-origin link on the page answers below 400 for the person on it, and never sends
    a signed-in person to the login page (someone not signed in may be sent there: the home
    page asks them to sign in); `#fragment` links point at an element of the page.
    `checked` holds (who, url) pairs already requested, so a menu is requested once per person."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(page.url))
    hrefs = page.eval_on_selector_all(
        "a[href]", "els => els.map(e => [e.getAttribute('href'), e.href])"
    )
    for raw, absolute in hrefs:
        assert raw not in ("", "#"), f"dead link {raw!r} on {page.url}"
        assert not raw.startswith("javascript:"), f"dead link {raw!r} on {page.url}"
        url, fragment = urldefrag(absolute)
        if raw.startswith("#"):
            assert page.locator(f"[id='{fragment}']").count() == 1, (
                f"{raw} on {page.url} points at no element"
            )
            continue
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != origin:
            continue
        if parts.path.startswith(SKIPPED_PATHS) or (who, url) in checked:
            continue
        checked.add((who, url))
        response = page.context.request.get(url)
        assert response.status < 400, f"{raw} on {page.url} answers {response.status} ({who})"
        if signed_in:
            assert "/login/" not in response.url, f"{raw} on {page.url} asks {who} to sign in"

"""Who may open which page: one table per area, collected by tests/frontend/test_role_access.py.

Every URL in the `frontend` namespace must appear in exactly one table, so a new page without
an access rule fails the test. To add your area's pages, create `tests/frontend/role_access/<area>.py`:

    from tests.frontend.role_access import COMPANY, STAFF, Page

    PAGES = {
        "frontend:round-list": Page(STAFF),
        "frontend:round-detail": Page(STAFF, kwargs=lambda cast: {"pk": make_round(cast).pk}),
    }

Roles (the cast member who plays it): "company" (Jan, Bakkerij Jansen), "teacher" (De Vries:
teacher + coach at Vista), "coordinator" (Bos at Vista), "student" (Sanne at Vista), "privacy" (Fenna, Vista's privacy
officer). `kwargs`
builds the objects the URL needs, visible to the allowed roles. The test asks each role for the
page (GET): allowed roles must not get 403 (nor be sent to the login page); every other role must
get 403 (or what `refused` lists), and an anonymous visitor is sent to the login page unless
`public=True`.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

COMPANY = frozenset({"company"})
TEACHER = frozenset({"teacher"})
COORDINATOR = frozenset({"coordinator"})
STUDENT = frozenset({"student"})
# Vista's privacy officer (Fenna): only the privacy pages of her own school.
PRIVACY = frozenset({"privacy"})
STAFF = TEACHER | COORDINATOR
EVERYONE = COMPANY | STAFF | STUDENT | PRIVACY
NOBODY: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Page:
    roles: frozenset[str]
    kwargs: Callable[[object], dict] = field(default=lambda cast: {})
    # Pages anyone may open without signing in (login, sign-up, password reset).
    public: bool = False
    # The answer other roles get. 403 by default; a page about one object may answer 404 when
    # the object is simply not visible to that role (it must never answer 200).
    refused: tuple[int, ...] = (403,)

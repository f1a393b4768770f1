"""The main menu per role. Each entry names a URL; entries whose URL does not exist (yet) are
left out, so every area adds its pages by adding its URL name here once.

A person with several roles (teacher + coordinator) sees the union, in table order.
"""

from collections.abc import Set
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Role
from backend.accounts.roles import COORDINATING_ROLES, DOMAIN_ROLES, SCHOOL_STAFF_ROLES
from backend.accounts.selectors import user_roles

if TYPE_CHECKING:
    from backend.accounts.models import User

ALL = "*"
STAFF = set(SCHOOL_STAFF_ROLES)
COORDINATORS = set(COORDINATING_ROLES)
# Programme leads and institution admins steer the collaboration (partners, co-financing,
# agreements, policies); they get their own short menu, not the coordinators' day-to-day work
# (review queue, rounds, guest lessons) unless they also hold one of those roles.
LEADS = {Role.PROGRAMME_LEAD, Role.INSTITUTION_ADMIN}
DAY_TO_DAY_STAFF = STAFF - LEADS
# The privacy officer sees only the privacy pages (plus the dashboard and their notifications).
EVERY_ROLE_BUT_LEADS = set(DOMAIN_ROLES) - LEADS

# (URL name, label, roles that see it). Order is menu order.
NAV_ITEMS: list[tuple[str, Promise, Set[str]]] = [
    ("frontend:dashboard", _("Overzicht"), {ALL}),
    # Company
    ("frontend:offer-list", _("Mijn aanbod"), {Role.COMPANY_CONTACT}),
    ("frontend:offer-brief", _("Nieuwe uitdaging"), {Role.COMPANY_CONTACT}),
    ("frontend:round-teams", _("Teams"), {Role.COMPANY_CONTACT}),
    # The learning loop (issue 15): one entry per role group; each page links on to the rest.
    ("frontend:company-feedback-list", _("Feedback"), {Role.COMPANY_CONTACT}),
    # Student
    ("frontend:student-challenges", _("Uitdagingen"), {Role.STUDENT}),
    ("frontend:student-choices", _("Mijn keuzes"), {Role.STUDENT}),
    ("frontend:student-assignment", _("Mijn plaatsing"), {Role.STUDENT}),
    ("frontend:my-activities", _("Mijn leren"), {Role.STUDENT}),
    ("frontend:my-privacy", _("Privacy"), {Role.STUDENT}),
    # The school's privacy officer: requests, access log, retention and the register.
    ("frontend:privacy-home", _("Privacy"), {Role.PRIVACY_OFFICER}),
    # Programme leads and institution admins: the collaboration hub (consortia, partners,
    # co-financing, umbrella and consortium agreements) and the school's VOG policy.
    ("frontend:governance-consortium-list", _("Samenwerking"), LEADS),
    ("frontend:governance-policies", _("VOG-beleid"), {Role.INSTITUTION_ADMIN}),
    # School staff
    ("frontend:review-queue", _("Beoordelen"), DAY_TO_DAY_STAFF),
    ("frontend:coverage", _("Dekking"), STAFF),
    ("frontend:coach-overview", _("Leren"), DAY_TO_DAY_STAFF),
    ("frontend:round-list", _("Rondes"), DAY_TO_DAY_STAFF),
    ("frontend:engagement-expert-search", _("Gastdocenten"), DAY_TO_DAY_STAFF),
    ("frontend:agreement-attention", _("Aandacht nodig"), COORDINATORS),
    (
        "frontend:engagement-attention",
        _("Stille partners"),
        COORDINATORS - {Role.INSTITUTION_ADMIN},
    ),
    # Shared between companies and schools
    ("frontend:agreement-list", _("Afspraken"), {Role.COMPANY_CONTACT, *STAFF}),
    ("frontend:engagement-expert-mine", _("Onze experts"), {Role.COMPANY_CONTACT}),
    (
        "frontend:engagement-booking-list",
        _("Gastlessen"),
        {Role.COMPANY_CONTACT, *DAY_TO_DAY_STAFF},
    ),
    ("frontend:engagement-event-list", _("Bijeenkomsten"), EVERY_ROLE_BUT_LEADS),
    ("frontend:engagement-meeting-list", _("Overleggen"), set(DOMAIN_ROLES)),
    ("frontend:organisation-team", _("Collega's"), {Role.COMPANY_CONTACT}),
    ("frontend:engagement-digest-preferences", _("Meldingen"), {ALL}),
]

ROLE_LABELS = [
    (Role.COORDINATOR, _("coördinator")),
    (Role.TEACHER, _("docent")),
    (Role.COACH, _("coach")),
    (Role.PROGRAMME_LEAD, _("programmaleider")),
    (Role.INSTITUTION_ADMIN, _("beheerder")),
    (Role.COMPANY_CONTACT, _("bedrijf")),
    (Role.STUDENT, _("student")),
    (Role.PRIVACY_OFFICER, _("functionaris gegevensbescherming")),
]


def nav_items_for(user: "User | AnonymousUser", current_path: str = "") -> list[dict[str, Any]]:
    if not user.is_authenticated:
        return []
    roles = user_roles(user)
    items: list[dict[str, Any]] = []
    for url_name, label, allowed in NAV_ITEMS:
        if ALL not in allowed and not (roles & allowed) and not user.is_staff:
            continue
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            continue
        items.append({"url": url, "label": label, "current": False, "name": url_name})
    # The current page is the item with the longest URL that starts the path ("/aanbod/nieuw/"
    # is "Nieuwe uitdaging", not "Mijn aanbod"); the dashboard only on "/" itself.
    matches = [
        i
        for i in items
        if current_path == i["url"] or (i["url"] != "/" and current_path.startswith(i["url"]))
    ]
    if matches:
        max(matches, key=lambda i: len(i["url"]))["current"] = True
    return items


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "nav_role_label": "", "nav_security": False}
    roles = user_roles(user)
    label = next((text for role, text in ROLE_LABELS if role in roles), "")
    return {
        "nav_items": nav_items_for(user, request.path),
        "nav_role_label": label,
        # The two-factor page, next to the name rather than in the role menus: school staff
        # and privacy officers may be asked for a second factor (backend.two_factor.policy), anyone may set one up.
        "nav_security": bool(roles & (STAFF | {Role.PRIVACY_OFFICER})) or user.is_staff,
    }

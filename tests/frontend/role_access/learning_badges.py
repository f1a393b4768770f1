"""Access table for the Open Badges pages (issue 15): the student's own badges and publishing;
issuing and revoking by school staff (teacher, coordinator); the public documents (verification
page, assertion, BadgeClass, issuer, image) open to everyone, signed in or not, once published."""

from tests.backend.learning.badges_factories import issued_badge
from tests.frontend.role_access import EVERYONE, STAFF, STUDENT, Page


def _uid(cast):
    return {"uid": issued_badge(cast).uid}


def _badge_class(cast):
    badge = issued_badge(cast)
    return {
        "school_pk": badge.school_id,
        "kwalificatie_pk": badge.kwalificatie_id,
        "code": "B1-K1-W1",
    }


def _issuer(cast):
    return {"school_pk": issued_badge(cast).school_id}


PAGES = {
    "frontend:my-badges": Page(STUDENT),
    "frontend:badge-publish": Page(STUDENT, kwargs=_uid),
    "frontend:badge-issue": Page(STAFF, kwargs=lambda cast: {"pk": cast.sanne.pk}),
    "frontend:badge-revoke": Page(STAFF, kwargs=_uid),
    "frontend:badge-verify": Page(EVERYONE, kwargs=_uid, public=True),
    "frontend:badge-assertion": Page(EVERYONE, kwargs=_uid, public=True),
    "frontend:badge-class": Page(EVERYONE, kwargs=_badge_class, public=True),
    "frontend:badge-image": Page(EVERYONE, kwargs=lambda cast: {"code": "B1-K1-W1"}, public=True),
    "frontend:badge-issuer": Page(EVERYONE, kwargs=_issuer, public=True),
}

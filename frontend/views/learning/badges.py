"""Open Badges pages (docs/badges.md).

- The student's badges (`my-badges`): each badge with its status, publish / make private
  (`badge-publish`, POST), the public link and the JSON to take to a backpack (edubadges).
- School staff issue a badge (`badge-issue`, POST from the student's portfolio) and revoke one
  with a reason (`badge-revoke`: a confirm page, then POST).
- Public, without signing in: the verification page (`badge-verify`) and the Open Badges 2.0
  documents (assertion, BadgeClass, issuer Profile, image). An unpublished badge answers 404,
  a revoked one's assertion 410.
"""

import json
import re
import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
)
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from backend.accounts.models import Role
from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError
from backend.core.ids import parse_id
from backend.learning import openbadges
from backend.learning.selectors.badges import (
    badge_class_subject,
    badge_for_revoker,
    badge_image_title,
    badge_of_student,
    badges_of,
    issuer_school,
    kerntaak_by_id,
    published_badge,
    student_for_badges,
    subject_of,
    werkproces_by_id,
)
from backend.learning.services.badges import (
    REVOCATION_REASON_MAX,
)
from backend.learning.services.badges import (
    badge_issue as issue_badge,
)
from backend.learning.services.badges import (
    badge_publish as publish_badge,
)
from backend.learning.services.badges import (
    badge_revoke as revoke_badge,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import STAFF_ROLES, role_required

T = "frontend/learning/"
CODE = re.compile(r"^[BP]\d{1,2}-K\d{1,2}(-W\d{1,2})?$")


def _badge_row(badge: Any) -> dict[str, Any]:
    return {
        "badge": badge,
        "code": openbadges.badge_code(badge),
        "title": openbadges.badge_title(badge),
        "is_kerntaak": badge.kerntaak_id is not None,
        "is_revoked": badge.revoked_at is not None,
        "is_published": badge.published_at is not None,
        "verify_url": openbadges.verify_url(badge),
        "assertion_url": openbadges.assertion_url(badge),
    }


@role_required(Role.STUDENT, allow_staff=False)
def my_badges(request: HttpRequest) -> HttpResponse:
    student = signed_in_user(request)
    rows = [_badge_row(badge) for badge in badges_of(student)]
    return render(request, T + "badge_list.html", {"rows": rows})


@role_required(Role.STUDENT, allow_staff=False)
def badge_publish(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    student = signed_in_user(request)
    badge = badge_of_student(uid, student)
    if badge is None:
        raise Http404
    published = request.POST.get("published") == "1"
    try:
        publish_badge(badge=badge, actor=student, published=published, now=timezone.now())
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if published:
            messages.success(request, _("Je badge is openbaar. Iedereen met de link kan hem zien."))
        else:
            messages.success(request, _("Je badge is niet meer openbaar."))
    return redirect("frontend:my-badges")


@role_required(*STAFF_ROLES)
def badge_issue(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = signed_in_user(request)
    student = student_for_badges(pk, user)
    if student is None:
        raise Http404
    werkproces_id = parse_id(request.POST.get("werkproces"))
    kerntaak_id = parse_id(request.POST.get("kerntaak"))
    werkproces = werkproces_by_id(werkproces_id) if werkproces_id else None
    kerntaak = kerntaak_by_id(kerntaak_id) if kerntaak_id else None
    if (werkproces is None) == (kerntaak is None):
        messages.error(request, _("Kies één werkproces of één kerntaak voor de badge."))
        return redirect("frontend:student-portfolio", pk=pk)
    try:
        badge = issue_badge(
            actor=user,
            student=student,
            werkproces=werkproces,
            kerntaak=kerntaak,
            now=timezone.now(),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Badge %(code)s uitgegeven aan %(name)s. De student beslist of hij openbaar wordt.")
            % {"code": openbadges.badge_code(badge), "name": student.first_name},
        )
    return redirect("frontend:student-portfolio", pk=pk)


class RevokeForm(KoppelForm):
    reason = forms.CharField(
        label=gettext_lazy("Reden van intrekken"),
        max_length=REVOCATION_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Deze reden is openbaar: wie de badge controleert, ziet hem. Noem geen persoonlijke "
            "gegevens."
        ),
        error_messages={"required": gettext_lazy("Vul in waarom de badge wordt ingetrokken.")},
    )


@role_required(*STAFF_ROLES)
def badge_revoke(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    user = signed_in_user(request)
    badge = badge_for_revoker(uid, user)
    if badge is None:
        raise Http404
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and badge.revoked_at is None and form.is_valid():
        try:
            revoke_badge(
                badge=badge, actor=user, reason=form.cleaned_data["reason"], now=timezone.now()
            )
        except ApplicationError as error:
            apply_application_error(form, error)
        else:
            messages.success(request, _("De badge is ingetrokken."))
            return redirect("frontend:badge-revoke", uid=badge.uid)
    return render(request, T + "badge_revoke.html", {"row": _badge_row(badge), "form": form})


# The public Open Badges documents: no sign-in, readable by any backpack or verifier.


def _json(document: dict[str, Any], *, status: int = 200, cache: str = "no-cache") -> HttpResponse:
    response = HttpResponse(
        json.dumps(document, ensure_ascii=False, indent=2),
        status=status,
        content_type=f"{openbadges.JSON_CONTENT_TYPE}; charset=utf-8",
    )
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = cache
    return response


@require_GET
def badge_verify(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    badge = published_badge(uid)
    if badge is None:
        raise Http404
    context = {"row": _badge_row(badge), "subject": subject_of(badge)}
    return render(request, T + "badge_verify.html", context)


@require_GET
def badge_assertion(request: HttpRequest, uid: uuid.UUID) -> HttpResponse:
    badge = published_badge(uid)
    if badge is None:
        raise Http404
    if badge.revoked_at is not None:
        return _json(openbadges.revoked_assertion_document(badge), status=410)
    return _json(openbadges.assertion_document(badge))


@require_GET
def badge_class(
    request: HttpRequest, school_pk: int, kwalificatie_pk: int, code: str
) -> HttpResponse:
    subject = badge_class_subject(school_pk, kwalificatie_pk, code) if CODE.match(code) else None
    if subject is None:
        raise Http404
    return _json(openbadges.badge_class_document(subject), cache="public, max-age=300")


@require_GET
def badge_issuer(request: HttpRequest, school_pk: int) -> HttpResponse:
    school = issuer_school(school_pk)
    if school is None:
        raise Http404
    return _json(openbadges.issuer_document(school), cache="public, max-age=300")


@require_GET
def badge_image(request: HttpRequest, code: str) -> HttpResponse:
    if not CODE.match(code):
        raise Http404
    title = badge_image_title(code, parse_id(request.GET.get("kwalificatie")))
    response = HttpResponse(openbadges.badge_image_svg(code, title), content_type="image/svg+xml")
    response["Access-Control-Allow-Origin"] = "*"
    response["Cache-Control"] = "public, max-age=86400"
    return response

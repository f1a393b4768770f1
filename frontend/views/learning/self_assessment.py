"""The student's learning pages (issue 15): "Mijn leren" (the hub: activities, the status per
werkproces, links onward), the STARR self-assessment with attachments, and the attachments'
download (the student and the staff of the student's school) and delete (the student).

Attachments are never served from a media URL: only through `attachment_download`, which checks
who asks, answers `Content-Disposition: attachment` (the browser saves, never renders) and
`X-Content-Type-Options: nosniff` with the type decided from the content at upload."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from backend.accounts.permissions import signed_in_user
from backend.accounts.roles import SCHOOL_STAFF_ROLES, STUDENT_ROLES
from backend.core.errors import ApplicationError
from backend.curriculum.models import ProgressLevel
from backend.learning.attachments import ACCEPT, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from backend.learning.selectors.self_assessment import (
    activities_of,
    attachment_for_download,
    own_attachment,
    own_self_assessment,
    self_assessment_page,
)
from backend.learning.services.self_assessment import (
    MAX_STARR_CHARS,
    attachment_add,
    self_assessment_save,
)
from backend.learning.services.self_assessment import (
    attachment_delete as delete_attachment,
)
from frontend.forms import KoppelForm, apply_application_error
from frontend.views.access import role_required
from frontend.views.rounds.common import domain_errors

if TYPE_CHECKING:
    from backend.learning.selectors.self_assessment import SelfAssessmentPage

T = "frontend/learning/"


def _text(label: Any, help_text: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=MAX_STARR_CHARS,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class SelfAssessmentForm(KoppelForm):
    """Every field is optional for a draft; the service says what is missing on submit."""

    addresses_student = True
    level = forms.ChoiceField(
        label=gettext_lazy("Welk niveau geef je jezelf?"),
        choices=ProgressLevel.choices,
        required=False,
        widget=forms.RadioSelect,
    )
    situation = _text(gettext_lazy("Situatie"), gettext_lazy("Waar was je, wat speelde er?"))
    task = _text(gettext_lazy("Taak"), gettext_lazy("Wat was jouw taak of je doel?"))
    action = _text(gettext_lazy("Actie"), gettext_lazy("Wat deed je precies, en hoe?"))
    result = _text(gettext_lazy("Resultaat"), gettext_lazy("Wat kwam eruit? Wat vond het bedrijf?"))
    reflection = _text(
        gettext_lazy("Reflectie"),
        gettext_lazy("Wat ging goed, wat doe je de volgende keer anders, wat heb je geleerd?"),
    )


class UploadForm(KoppelForm):
    """Attachments are optional evidence: the field is not marked "(verplicht)" (a student would
    read that as "an attachment is required"); posting the form without a file still asks for
    one."""

    addresses_student = True
    file = forms.FileField(
        label=gettext_lazy("Bijlage toevoegen"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if not upload:
            raise forms.ValidationError(_("Kies een bestand."))
        return upload


@role_required(*STUDENT_ROLES, allow_staff=False)
def my_activities(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    rows = activities_of(user, today=timezone.localdate())
    return render(request, T + "my_activities.html", {"activities": rows})


def _page_context(
    page: "SelfAssessmentPage", form: SelfAssessmentForm, upload_form: UploadForm
) -> dict[str, Any]:
    return {
        "page": page,
        "form": form,
        "upload_form": upload_form,
        "max_attachments": MAX_ATTACHMENTS,
        "max_mb": MAX_ATTACHMENT_BYTES // (1024 * 1024),
        "may_add_attachment": page.editable
        and page.assessment is not None
        and len(page.attachments) < MAX_ATTACHMENTS,
    }


def _initial(page: "SelfAssessmentPage") -> dict[str, str]:
    assessment = page.assessment
    if assessment is None:
        return {}
    names = ("level", "situation", "task", "action", "result", "reflection")
    return {name: getattr(assessment, name) for name in names}


def _save(request: HttpRequest, page: "SelfAssessmentPage", form: SelfAssessmentForm) -> bool:
    """Save or submit the posted form; False (with the errors on the form) when refused."""
    if not form.is_valid():
        return False
    submit = request.POST.get("intent") == "submit"
    try:
        self_assessment_save(
            student=signed_in_user(request),
            offer=page.offer,
            werkproces=page.werkproces,
            submit=submit,
            now=timezone.now(),
            **form.cleaned_data,
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return False
    if submit:
        messages.success(request, _("Je zelfbeoordeling is ingediend. Je coach beoordeelt hem."))
    else:
        messages.success(request, _("Je concept is opgeslagen."))
    return True


def _upload(request: HttpRequest, page: "SelfAssessmentPage", form: UploadForm) -> bool:
    user = signed_in_user(request)
    assessment = own_self_assessment(user, page.offer.pk, page.werkproces.pk)
    if assessment is None:
        form.add_error(None, _("Sla eerst je concept op; daarna kun je bijlagen toevoegen."))
        return False
    if not form.is_valid():
        return False
    try:
        attachment = attachment_add(
            self_assessment=assessment,
            actor=user,
            upload=form.cleaned_data["file"],
            now=timezone.now(),
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return False
    messages.success(request, _("“%(name)s” is toegevoegd.") % {"name": attachment.name})
    return True


# The largest body a self-assessment POST needs: one attachment, or the STARR texts, plus the
# multipart framing and the other fields.
MAX_POST_BYTES = MAX_ATTACHMENT_BYTES + 1024 * 1024


def _body_too_large(request: HttpRequest) -> bool:
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return True
    return length > MAX_POST_BYTES


# csrf_exempt outside, csrf_protect inside (Django's pattern for upload limits): otherwise the
# CSRF check parses the whole multipart body, to temporary files on disk, before the size is
# asked. A body over the limit is refused unread; every other POST is CSRF-checked as always.
@csrf_exempt
@role_required(*STUDENT_ROLES, allow_staff=False)
def self_assessment(request: HttpRequest, offer_pk: int, werkproces_pk: int) -> HttpResponse:
    if request.method == "POST" and _body_too_large(request):
        messages.error(
            request,
            _("Het bestand is groter dan %(mb)s MB. Maak het kleiner of deel het op.")
            % {"mb": MAX_ATTACHMENT_BYTES // (1024 * 1024)},
        )
        return redirect("frontend:self-assessment", offer_pk, werkproces_pk)
    return _self_assessment(request, offer_pk, werkproces_pk)


@csrf_protect
@domain_errors
def _self_assessment(request: HttpRequest, offer_pk: int, werkproces_pk: int) -> HttpResponse:
    user = signed_in_user(request)
    page = self_assessment_page(user, offer_pk, werkproces_pk)
    # "intent", not "action": `action` is the STARR field Actie.
    is_upload = request.method == "POST" and request.POST.get("intent") == "upload"
    form = SelfAssessmentForm(
        request.POST if request.method == "POST" and not is_upload else None,
        initial=_initial(page),
    )
    upload_form = UploadForm(
        request.POST if is_upload else None, request.FILES if is_upload else None
    )
    if request.method == "POST":
        done = _upload(request, page, upload_form) if is_upload else _save(request, page, form)
        if done:
            return redirect("frontend:self-assessment", offer_pk, werkproces_pk)
        # Refused: show the page as it is now (an upload may have been refused on a page whose
        # state another tab changed), with the errors and what the student typed.
        page = self_assessment_page(user, offer_pk, werkproces_pk)
    status = 400 if request.method == "POST" else 200
    return render(
        request, T + "self_assessment.html", _page_context(page, form, upload_form), status=status
    )


@role_required(*STUDENT_ROLES, allow_staff=False)
@domain_errors
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    user = signed_in_user(request)
    attachment = own_attachment(user, pk)
    assessment = attachment.self_assessment
    try:
        delete_attachment(attachment=attachment, actor=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("“%(name)s” is verwijderd.") % {"name": attachment.name})
    return redirect("frontend:self-assessment", assessment.offer_id, assessment.werkproces_id)


@role_required(*STUDENT_ROLES, *SCHOOL_STAFF_ROLES, allow_staff=False)
@domain_errors
def attachment_download(request: HttpRequest, pk: int) -> HttpResponse:
    attachment = attachment_for_download(signed_in_user(request), pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404(_("Dit bestand is niet meer beschikbaar.")) from exc
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A student's work: never kept by a shared cache or proxy.
    response["Cache-Control"] = "private, no-store"
    # A streaming response: the page decorators are typed for HttpResponse, Django takes both.
    return response  # type: ignore[return-value]

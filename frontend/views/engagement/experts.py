"""Expert pages: teachers search experts and request a guest lesson; companies keep their
experts' profiles."""

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import ApplicationError
from backend.engagement import services
from backend.engagement.models import ExpertFormat
from backend.engagement.models.experts import LANGUAGES, WEEKDAYS
from backend.engagement.selectors.access import (
    may_keep_expert_profiles,
    may_manage_experts_of,
    may_request_guest_lessons,
    may_search_experts,
    teaching_school_ids,
)
from backend.engagement.selectors.bookings import guest_lesson_schools_for, kerntaak_choices
from backend.engagement.selectors.experts import (
    availability_warnings,
    expert_school_choices,
    expert_search,
    experts_managed_by,
    experts_visible_to,
    guest_teacher_problems_at,
    guest_teacher_requirements,
    policy_badges_for,
)
from backend.organisations.selectors import acting_company
from frontend.forms import apply_application_error
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    from backend.accounts.models import User
    from backend.curriculum.models import Kerntaak
    from backend.engagement.models import ExpertProfile, GuestLessonBooking
    from backend.organisations.models import Organisation


class SearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Zoekwoorden"), required=False)
    tag = forms.CharField(label=gettext_lazy("Expertise (tag)"), required=False)
    format = forms.ChoiceField(
        label=gettext_lazy("Vorm"), required=False, choices=[("", "—"), *ExpertFormat.choices]
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Taal"), required=False, choices=[("", "—"), *LANGUAGES]
    )
    date = forms.DateField(
        label=gettext_lazy("Beschikbaar op"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


@login_required
def expert_search_page(request: SignedInRequest) -> HttpResponse:
    require(may_search_experts(request.user))
    form = SearchForm(request.GET or None)
    results: list[ExpertProfile] = []
    badges = {}
    if form.is_valid() or not request.GET:
        d = form.cleaned_data if request.GET else {}
        results = list(
            expert_search(
                user=request.user,
                words=d.get("q", ""),
                tags=[d["tag"]] if d.get("tag") else None,
                expert_format=d.get("format", ""),
                language=d.get("language", ""),
                on=d.get("date"),
            )[:100]
        )
        badges = policy_badges_for(
            experts=results,
            school_ids=teaching_school_ids(request.user),
            on=d.get("date") or timezone.localdate(),
        )
    rows = [{"expert": e, "badges": badges.get(e.pk, [])} for e in results]
    return render(request, T + "expert_search.html", {"form": form, "rows": rows})


class BookingRequestForm(forms.Form):
    # The schools depend on who asks: set in __init__.
    school: "forms.ModelChoiceField[Organisation]" = forms.ModelChoiceField(
        label=gettext_lazy("School"), queryset=None
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("Datum en tijd"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    duration_minutes = forms.IntegerField(
        label=gettext_lazy("Duur (minuten)"), min_value=15, max_value=480, initial=60
    )
    group = forms.CharField(label=gettext_lazy("Klas of groep"), max_length=60)
    topic = forms.CharField(label=gettext_lazy("Onderwerp"), max_length=200)
    # Grouped per dossier (crebo and name) and limited to the dossiers of the teacher's
    # schools: set in __init__.
    kerntaak = forms.TypedChoiceField(
        label=gettext_lazy("Kerntaak die je behandelt"),
        coerce=int,
        empty_value=None,
        required=False,
    )
    format = forms.ChoiceField(label=gettext_lazy("Vorm"), choices=ExpertFormat.choices)
    location = forms.CharField(label=gettext_lazy("Locatie"), max_length=200)
    message = forms.CharField(
        label=gettext_lazy("Toelichting"), required=False, widget=forms.Textarea
    )

    def __init__(self, *args: Any, user: "User", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        schools = guest_lesson_schools_for(user)
        school = cast("forms.ModelChoiceField[Organisation]", self.fields["school"])
        school.queryset = schools
        if len(schools) == 1:
            school.initial = schools[0].pk
        self.kerntaken = {k.pk: k for k in kerntaak_choices(teaching_school_ids(user))}
        kerntaak = cast(forms.TypedChoiceField, self.fields["kerntaak"])
        kerntaak.choices = kerntaak_groups(self.kerntaken.values())

    def service_data(self) -> dict[str, Any]:
        """The cleaned values as booking_request takes them."""
        data = dict(self.cleaned_data)
        # The form's field is called "format" (as on the page); the service says lesson_format.
        data["lesson_format"] = data.pop("format")
        data["kerntaak"] = self.kerntaken.get(data["kerntaak"]) if data["kerntaak"] else None
        return data


def kerntaak_groups(kerntaken: "Iterable[Kerntaak]") -> list[tuple[str, Any]]:
    """Choices for a kerntaak picker: one <optgroup> per dossier ("25604 Software developer"),
    never one flat list mixing every dossier."""
    groups: dict[int, tuple[str, list[tuple[int, str]]]] = {}
    for kerntaak in kerntaken:
        dossier = kerntaak.dossier
        label = f"{dossier.crebo} {dossier.title}".strip() if dossier.crebo else dossier.title
        if dossier.edition:
            label = f"{label} ({dossier.edition})"
        groups.setdefault(dossier.pk, (label, []))[1].append((kerntaak.pk, str(kerntaak)))
    return [("", "—"), *groups.values()]


def _request_booking(
    request: SignedInRequest, expert: "ExpertProfile", form: BookingRequestForm
) -> "GuestLessonBooking | None":
    """Send the request the form describes; None when refused (the form carries the errors)."""
    try:
        return services.booking_request(
            actor=request.user, expert=expert, now=timezone.now(), **form.service_data()
        )
    except ApplicationError as error:
        # "expert" is not a field of the page: its message (the school's certificate policy,
        # the expert no longer visible) goes on top of the form, in plain words.
        apply_application_error(form, error)
        return None


def _booking_check(
    request: SignedInRequest, expert: "ExpertProfile", form: BookingRequestForm | None
) -> dict[str, Any]:
    """What the teacher should know before sending: the certificates the schools ask of guest
    teachers and, for the school and date typed so far, whether this expert meets them and
    whether the date fits the expert's availability."""
    school_ids = teaching_school_ids(request.user)
    check: dict[str, Any] = {
        "expert": expert,
        "requirements": guest_teacher_requirements(school_ids=school_ids),
        "problems": [],
        "warnings": [],
    }
    if form is None or not form.is_bound:
        return check
    school = _typed(form, "school")
    starts_at = _typed(form, "starts_at")
    if starts_at is None:
        return check
    day = timezone.localtime(starts_at).date() if timezone.is_aware(starts_at) else starts_at.date()
    check["day"] = day
    check["warnings"] = availability_warnings(expert, on=day)
    if school is not None:
        check["problems"] = guest_teacher_problems_at(person=expert.user, school=school, on=day)
    return check


def _typed(form: forms.Form, name: str) -> Any:
    """The value of one field as far as it is valid, without validating the whole form."""
    field = form.fields[name]
    try:
        return field.clean(
            field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
        )
    except forms.ValidationError:
        return None


@login_required
def expert_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
    expert = _visible_expert(request, pk)
    badges = policy_badges_for(
        experts=[expert], school_ids=teaching_school_ids(request.user), on=timezone.localdate()
    )[expert.pk]
    form = None
    if may_request_guest_lessons(request.user):
        form = BookingRequestForm(request.POST or None, user=request.user)
    if request.method == "POST":
        if form is None:
            raise DjangoPermissionDenied
        if form.is_valid() and (booking := _request_booking(request, expert, form)) is not None:
            messages.success(
                request,
                _("Je verzoek is verstuurd naar %(name)s.") % {"name": expert.user.get_full_name()},
            )
            for warning in availability_warnings(
                expert, on=timezone.localtime(booking.starts_at).date()
            ):
                messages.warning(request, warning)
            return redirect("frontend:engagement-booking-detail", pk=booking.pk)
    context = {
        "expert": expert,
        "badges": badges,
        "form": form,
        "check": _booking_check(request, expert, form),
        "may_keep": may_manage_experts_of(request.user, expert.organisation_id),
    }
    return render(request, T + "expert_detail.html", context)


def _visible_expert(request: SignedInRequest, pk: int) -> "ExpertProfile":
    return get_object_or_404(
        experts_visible_to(request.user).select_related("user", "organisation"), pk=pk
    )


@login_required
def expert_booking_check_page(request: SignedInRequest, pk: int) -> HttpResponse:
    """htmx: while the teacher fills in the request, what the school asks (a VOG) and whether
    the expert meets it on that day and is available then. Warns; never sends anything."""
    require(may_request_guest_lessons(request.user))
    expert = _visible_expert(request, pk)
    form = BookingRequestForm(request.GET, user=request.user)
    return render(
        request, T + "_booking_check.html", {"check": _booking_check(request, expert, form)}
    )


class ExpertForm(forms.Form):
    headline = forms.CharField(label=gettext_lazy("Vakgebied in één regel"), max_length=200)
    bio = forms.CharField(label=gettext_lazy("Over mij"), widget=forms.Textarea, required=False)
    tags = forms.CharField(
        label=gettext_lazy("Expertises, gescheiden door komma's"), required=False
    )
    formats = forms.MultipleChoiceField(
        label=gettext_lazy("Vormen"),
        choices=ExpertFormat.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    languages = forms.MultipleChoiceField(
        label=gettext_lazy("Talen"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=gettext_lazy("Beschikbare dagen"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    available_from = forms.DateField(
        label=gettext_lazy("Beschikbaar vanaf"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    available_until = forms.DateField(
        label=gettext_lazy("Beschikbaar tot"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    availability_note = forms.CharField(
        label=gettext_lazy("Beschikbaarheid in eigen woorden"), max_length=300, required=False
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Zoekbaar voor docenten"), required=False, initial=True
    )
    schools = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Ook zichtbaar voor deze scholen (buiten jullie consortium)"),
        queryset=expert_school_choices(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    def data_for_service(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["tags"] = [t for t in data["tags"].split(",") if t.strip()]
        return data


@login_required
def expert_mine_page(request: SignedInRequest) -> HttpResponse:
    require(may_keep_expert_profiles(request.user))
    return render(request, T + "expert_mine.html", {"experts": experts_managed_by(request.user)})


def _profile_initial(profile: "ExpertProfile | None") -> dict[str, Any]:
    """The form's starting values: the profile's, or Dutch and searchable for a new one."""
    if profile is None:
        return {"languages": ["nl"], "is_active": True}
    return {
        "headline": profile.headline,
        "bio": profile.bio,
        "tags": ", ".join(t.name for t in profile.tags.all()),
        "formats": profile.format_list,
        "languages": profile.language_list,
        "weekdays": profile.weekday_list,
        "available_from": profile.available_from,
        "available_until": profile.available_until,
        "availability_note": profile.availability_note,
        "is_active": profile.is_active,
        "schools": list(profile.schools.all()),
    }


def _save_profile(
    request: SignedInRequest, profile: "ExpertProfile | None", form: ExpertForm
) -> bool:
    """Update the profile, or create the person's own for their company; False when refused
    (the form carries the errors)."""
    try:
        if profile:
            services.expert_profile_update(
                actor=request.user, profile=profile, data=form.data_for_service()
            )
        else:
            company = acting_company(request.user)
            if company is None:
                raise DjangoPermissionDenied
            services.expert_profile_create(
                actor=request.user,
                user=request.user,
                organisation=company,
                data=form.data_for_service(),
            )
    except ApplicationError as error:
        apply_application_error(form, error)
        return False
    return True


@login_required
def expert_edit_page(request: SignedInRequest, pk: int | None = None) -> HttpResponse:
    require(may_keep_expert_profiles(request.user))
    profile = None
    if pk is not None:
        profile = get_object_or_404(experts_managed_by(request.user), pk=pk)
    form = ExpertForm(request.POST or None, initial=_profile_initial(profile))
    if request.method == "POST" and form.is_valid() and _save_profile(request, profile, form):
        messages.success(request, _("Het expertprofiel is opgeslagen."))
        return redirect("frontend:engagement-expert-mine")
    return render(request, T + "expert_edit.html", {"form": form, "profile": profile})

"""Expert pages: teachers search experts and request a guest lesson; companies keep their
experts' profiles."""

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
    may_request_guest_lessons,
    may_search_experts,
    teaching_school_ids,
)
from backend.engagement.selectors.bookings import guest_lesson_schools_for, kerntaak_choices
from backend.engagement.selectors.experts import (
    expert_school_choices,
    expert_search,
    experts_managed_by,
    experts_visible_to,
    policy_badges_for,
)
from backend.organisations.selectors import acting_company
from frontend.forms import apply_application_error
from frontend.views.engagement.common import SignedInRequest, T, require

if TYPE_CHECKING:
    from backend.accounts.models import User
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
    kerntaak = forms.ModelChoiceField(
        label=gettext_lazy("Kerntaak die je behandelt"),
        queryset=kerntaak_choices(),
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


def _request_booking(
    request: SignedInRequest, expert: "ExpertProfile", form: BookingRequestForm
) -> "GuestLessonBooking | None":
    """Send the request the form describes; None when refused (the form carries the errors)."""
    data = dict(form.cleaned_data)
    # The form's field is called "format" (as on the page); the service says lesson_format.
    data["lesson_format"] = data.pop("format")
    try:
        return services.booking_request(
            actor=request.user, expert=expert, now=timezone.now(), **data
        )
    except ApplicationError as error:
        apply_application_error(form, error)
        return None


@login_required
def expert_detail_page(request: SignedInRequest, pk: int) -> HttpResponse:
    expert = get_object_or_404(
        experts_visible_to(request.user).select_related("user", "organisation"), pk=pk
    )
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
            return redirect("frontend:engagement-booking-detail", pk=booking.pk)
    return render(
        request, T + "expert_detail.html", {"expert": expert, "badges": badges, "form": form}
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

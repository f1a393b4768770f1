"""Preferences: the partner digest frequency, notification channels per category and the
personal calendar feed link."""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.engagement import services
from backend.engagement.models import DigestFrequency, NotificationCategory
from backend.engagement.selectors.bookings import calendar_feed_for
from backend.engagement.selectors.preferences import preferences_of
from frontend.views.engagement.common import SignedInRequest, T


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        label=gettext_lazy("Partneroverzicht"), choices=DigestFrequency.choices
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for category, label in NotificationCategory.choices:
            self.fields[f"{category}_in_app"] = forms.BooleanField(
                label=_("%(c)s: in de app") % {"c": label}, required=False
            )
            self.fields[f"{category}_email"] = forms.BooleanField(
                label=_("%(c)s: per e-mail") % {"c": label}, required=False
            )

    def categories(self) -> dict[str, dict[str, bool]]:
        """The channels chosen per category, as the preferences service takes them."""
        return {
            category: {
                "in_app": self.cleaned_data[f"{category}_in_app"],
                "email": self.cleaned_data[f"{category}_email"],
            }
            for category in NotificationCategory.values
        }


def _initial(request: SignedInRequest) -> dict[str, Any]:
    current = preferences_of(request.user)
    initial: dict[str, Any] = {"digest_frequency": current["digest_frequency"]}
    for category, values in current["categories"].items():
        initial[f"{category}_in_app"] = values["in_app"]
        initial[f"{category}_email"] = values["email"]
    return initial


@login_required
def preferences_page(request: SignedInRequest) -> HttpResponse:
    form = PreferencesForm(request.POST or None, initial=_initial(request))
    if request.method == "POST":
        if request.POST.get("action") == "regenerate":
            services.calendar_feed_regenerate(user=request.user)
            messages.success(request, _("Je hebt een nieuwe agenda-link; de oude werkt niet meer."))
            return redirect("frontend:engagement-digest-preferences")
        if form.is_valid():
            services.preferences_update(
                user=request.user,
                digest_frequency=form.cleaned_data["digest_frequency"],
                categories=form.categories(),
            )
            messages.success(request, _("Je voorkeuren zijn opgeslagen."))
            return redirect("frontend:engagement-digest-preferences")
    feed = calendar_feed_for(request.user)
    feed_url = request.build_absolute_uri(f"/api/engagement/calendar/{feed.token}.ics")
    return render(
        request,
        T + "preferences.html",
        {"form": form, "feed_url": feed_url, "categories": NotificationCategory.values},
    )

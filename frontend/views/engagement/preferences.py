"""Preferences: the partner digest frequency, notification channels per category and the
personal calendar feed link."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.engagement import services
from backend.engagement.apis.partners import preferences_of
from backend.engagement.models import DigestFrequency
from backend.engagement.selectors.bookings import calendar_feed_for
from backend.engagement.services.common import Category
from backend.notifications.services import preference_set
from frontend.views.engagement.common import T


class PreferencesForm(forms.Form):
    digest_frequency = forms.ChoiceField(
        label=gettext_lazy("Partneroverzicht"), choices=DigestFrequency.choices
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for category in Category.ALL:
            label = Category.LABELS[category]
            self.fields[f"{category}_in_app"] = forms.BooleanField(
                label=_("%(c)s: in de app") % {"c": label}, required=False
            )
            self.fields[f"{category}_email"] = forms.BooleanField(
                label=_("%(c)s: per e-mail") % {"c": label}, required=False
            )


@login_required
def preferences_page(request):
    current = preferences_of(request.user)
    initial = {"digest_frequency": current["digest_frequency"]}
    for category, values in current["categories"].items():
        initial[f"{category}_in_app"] = values["in_app"]
        initial[f"{category}_email"] = values["email"]
    form = PreferencesForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("action") == "regenerate":
            services.calendar_feed_regenerate(user=request.user)
            messages.success(request, _("Je hebt een nieuwe agenda-link; de oude werkt niet meer."))
            return redirect("frontend:engagement-digest-preferences")
        if form.is_valid():
            services.digest_preference_set(
                user=request.user, frequency=form.cleaned_data["digest_frequency"]
            )
            for category in Category.ALL:
                preference_set(
                    user=request.user,
                    category=category,
                    in_app=form.cleaned_data[f"{category}_in_app"],
                    email=form.cleaned_data[f"{category}_email"],
                )
            messages.success(request, _("Je voorkeuren zijn opgeslagen."))
            return redirect("frontend:engagement-digest-preferences")
    feed = calendar_feed_for(request.user)
    feed_url = request.build_absolute_uri(f"/api/engagement/calendar/{feed.token}.ics")
    return render(
        request,
        T + "preferences.html",
        {"form": form, "feed_url": feed_url, "categories": Category.ALL},
    )

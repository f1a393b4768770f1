"""Core pages: sign-in and account pages, the dashboard, company offers, review and curation.

The account paths are fixed by the accounts services' e-mails: `/uitnodiging/<token>/` and
`/wachtwoord/reset/<uidb64>/<token>/`."""

from django.urls import path

from frontend.views import auth, curation, dashboard, email_change, offers, organisation

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    # Accounts
    path("login/", auth.LoginView.as_view(), name="login"),
    path("uitloggen/", auth.LogoutView.as_view(), name="logout"),
    path("wachtwoord/vergeten/", auth.password_reset, name="password-reset"),
    path("wachtwoord/vergeten/verstuurd/", auth.password_reset_done, name="password-reset-done"),
    path("wachtwoord/reset/klaar/", auth.password_reset_complete, name="password-reset-complete"),
    path(
        "wachtwoord/reset/<str:uidb64>/<str:token>/",
        auth.password_reset_choose,
        name="password-reset-confirm",
    ),
    path("uitnodiging/<str:token>/", auth.invitation_accept_page, name="invitation-accept"),
    path(
        "e-mailadres/bevestigen/<str:token>/",
        email_change.email_change_confirm_page,
        name="email-change-confirm",
    ),
    path("aanmelden/", auth.company_signup, name="company-signup"),
    path("aanmelden/verstuurd/", auth.company_signup_done, name="company-signup-done"),
    path(
        "aanmelden/bevestigen/<str:uidb64>/<str:token>/",
        auth.company_signup_confirm,
        name="company-signup-confirm",
    ),
    path("organisatie/collegas/", organisation.organisation_team, name="organisation-team"),
    # Company offers
    path("aanbod/", offers.offer_list, name="offer-list"),
    path("aanbod/nieuw/", offers.offer_brief, name="offer-brief"),
    path("aanbod/concept/", offers.offer_autosave, name="offer-autosave"),
    path(
        "aanbod/werkprocessen-uitleg/",
        offers.offer_werkprocessen_hint,
        name="offer-werkprocessen-hint",
    ),
    path("aanbod/<int:pk>/", offers.offer_detail, name="offer-detail"),
    path("aanbod/<int:pk>/bewerken/", offers.offer_brief, name="offer-edit"),
    path("aanbod/<int:pk>/indienen/", offers.offer_submit_page, name="offer-submit"),
    path("aanbod/<int:pk>/intrekken/", offers.offer_withdraw_page, name="offer-withdraw"),
    # Review and curation (school staff)
    path("beoordelen/", offers.review_queue, name="review-queue"),
    path(
        "aanbod/<int:pk>/in-beoordeling/", offers.offer_review_start_page, name="offer-review-start"
    ),
    path("aanbod/<int:pk>/publiceren/", offers.offer_publish_page, name="offer-publish"),
    path(
        "aanbod/<int:pk>/aanpassing/",
        offers.offer_request_changes_page,
        name="offer-request-changes",
    ),
    path("aanbod/<int:pk>/afwijzen/", offers.offer_reject_page, name="offer-reject"),
    path("aanbod/<int:pk>/werkprocessen/", curation.offer_mapping, name="offer-mapping"),
    path(
        "aanbod/<int:pk>/werkprocessen/zoeken/",
        curation.werkproces_search_results,
        name="werkproces-search",
    ),
    path("aanbod/<int:pk>/werkprocessen/koppelen/", curation.offer_map, name="offer-map"),
    path(
        "aanbod/<int:pk>/werkprocessen/<int:mapping_pk>/loskoppelen/",
        curation.offer_unmap,
        name="offer-unmap",
    ),
    path("aanbod/<int:pk>/afspraak/", offers.offer_agreement, name="offer-agreement"),
    path("dekking/", curation.coverage, name="coverage"),
    path(
        "dekking/werkproces/<int:pk>/",
        curation.coverage_werkproces,
        name="coverage-werkproces",
    ),
]

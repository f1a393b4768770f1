"""Signing in with the school account (OpenID Connect) and the institution admin's pages for it."""

from django.urls import path

from frontend.views import sso as views

urlpatterns = [
    path("sso/inloggen/", views.SsoLoginView.as_view(), name="sso-login"),
    path("sso/terug/", views.sso_callback, name="sso-callback"),
    path("sso/geweigerd/<slug:reason>/", views.sso_refused, name="sso-refused"),
    path("sso/in-afwachting/", views.sso_pending, name="sso-pending"),
    path("sso/uitloggen/", views.sso_logout, name="sso-logout"),
    path("sso/beheer/", views.sso_admin_page, name="sso-admin"),
    path("sso/beheer/<int:pk>/", views.sso_school_page, name="sso-school"),
    path("sso/beheer/<int:pk>/logboek/", views.sso_log_page, name="sso-log"),
    path(
        "sso/beheer/domeinen/<int:pk>/verwijderen/",
        views.sso_domain_remove_page,
        name="sso-domain-remove",
    ),
    path(
        "sso/beheer/aanvragen/<int:pk>/besluit/",
        views.sso_pending_decide_page,
        name="sso-pending-decide",
    ),
]

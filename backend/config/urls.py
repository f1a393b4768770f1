from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from backend.core.middleware import with_content_security_policy
from backend.core.views import healthz, healthz_live
from backend.engagement.urls import reliability_urlpatterns
from backend.organisations.urls import auth_urlpatterns as organisation_auth_urlpatterns
from backend.two_factor.urls import auth_urlpatterns as two_factor_auth_urlpatterns

# Errors outside a DRF view answer JSON under /api/ (backend/core/exception_handler.py).
handler400 = "backend.core.exception_handler.bad_request"
handler404 = "backend.core.exception_handler.page_not_found"
handler500 = "backend.core.exception_handler.server_error"

# Swagger UI comes from a CDN and styles itself inline; only the docs page allows that.
api_docs = with_content_security_policy(
    "default-src 'self'; script-src 'self' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://cdn.jsdelivr.net; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))

api_patterns = [
    # The token endpoint asks for a second factor of those who must use one (backend.two_factor).
    path("auth/", include(two_factor_auth_urlpatterns)),
    path("auth/", include("backend.accounts.urls")),
    # The people endpoints that involve an organisation (me, invitations, students, ...).
    path("auth/", include(organisation_auth_urlpatterns)),
    path("organisations/", include("backend.organisations.urls")),
    path("curriculum/", include("backend.curriculum.urls")),
    path("offers/", include("backend.offers.urls")),
    path("notifications/", include("backend.notifications.urls")),
    path("allocations/", include("backend.allocations.urls")),
    path("agreements/", include("backend.agreements.urls")),
    # Agreement parties' reliability includes meeting attendance, so engagement serves it.
    path("agreements/reliability/", include(reliability_urlpatterns)),
    path("engagement/", include("backend.engagement.urls")),
]

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("healthz/live/", healthz_live, name="healthz-live"),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_docs, name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]

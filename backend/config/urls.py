from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from backend.core.views import healthz

api_patterns = [
    path("auth/", include("backend.accounts.urls")),
    path("organisations/", include("backend.organisations.urls")),
    path("curriculum/", include("backend.curriculum.urls")),
    path("offers/", include("backend.offers.urls")),
    path("notifications/", include("backend.notifications.urls")),
    path("allocations/", include("backend.allocations.urls")),
    path("agreements/", include("backend.agreements.urls")),
    path("engagement/", include("backend.engagement.urls")),
]

urlpatterns = [
    path("healthz/", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include((api_patterns, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("frontend.urls")),
]

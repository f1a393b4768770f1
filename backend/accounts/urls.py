from django.urls import path

from backend.accounts import apis

# Mounted under /api/auth/. The endpoints there that involve an organisation are routed by
# backend.organisations.urls.auth_urlpatterns under the same prefix.
# POST token/ is served by backend.two_factor (it asks for a second factor where needed).
urlpatterns = [
    path("logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("password-reset/", apis.PasswordResetRequestApi.as_view(), name="password-reset"),
    path(
        "password-reset/confirm/",
        apis.PasswordResetConfirmApi.as_view(),
        name="password-reset-confirm",
    ),
    path(
        "email-change/confirm/",
        apis.EmailChangeConfirmApi.as_view(),
        name="email-change-confirm",
    ),
    path("people/<int:pk>/leave/", apis.PersonLeaveApi.as_view(), name="person-leave"),
    path("certificates/", apis.CertificateListApi.as_view(), name="certificate-list"),
    path("certificates/<int:pk>/", apis.CertificateDetailApi.as_view(), name="certificate-detail"),
]

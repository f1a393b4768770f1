from django.urls import path

from backend.accounts import apis

urlpatterns = [
    path("token/", apis.TokenApi.as_view(), name="auth-token"),
    path("logout/", apis.LogoutApi.as_view(), name="auth-logout"),
    path("me/", apis.MeApi.as_view(), name="auth-me"),
    path("password-reset/", apis.PasswordResetRequestApi.as_view(), name="password-reset"),
    path(
        "password-reset/confirm/",
        apis.PasswordResetConfirmApi.as_view(),
        name="password-reset-confirm",
    ),
    path("sign-up/company/", apis.CompanySignUpApi.as_view(), name="company-sign-up"),
    path(
        "email-change/confirm/",
        apis.EmailChangeConfirmApi.as_view(),
        name="email-change-confirm",
    ),
    path("invitations/", apis.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/", apis.InvitationRevokeApi.as_view(), name="invitation-detail"),
    path("invitations/lookup/", apis.InvitationLookupApi.as_view(), name="invitation-lookup"),
    path("invitations/accept/", apis.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("memberships/<int:pk>/end/", apis.MembershipEndApi.as_view(), name="membership-end"),
    path("people/<int:pk>/leave/", apis.PersonLeaveApi.as_view(), name="person-leave"),
    path("certificates/", apis.CertificateListApi.as_view(), name="certificate-list"),
    path("certificates/check/", apis.CertificateCheckApi.as_view(), name="certificate-check"),
    path("certificates/<int:pk>/", apis.CertificateDetailApi.as_view(), name="certificate-detail"),
    path(
        "certificates/<int:pk>/verify/",
        apis.CertificateVerifyApi.as_view(),
        name="certificate-verify",
    ),
    path("students/", apis.StudentListApi.as_view(), name="student-list"),
    path("students/import/", apis.StudentImportApi.as_view(), name="student-import"),
    path("students/<int:pk>/", apis.StudentDetailApi.as_view(), name="student-detail"),
]

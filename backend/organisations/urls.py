from django.urls import path

from backend.organisations import apis

urlpatterns = [
    path("", apis.OrganisationListApi.as_view(), name="organisation-list"),
    path("<int:pk>/", apis.OrganisationDetailApi.as_view(), name="organisation-detail"),
    path("<int:pk>/succeed/", apis.OrganisationSucceedApi.as_view(), name="organisation-succeed"),
    path(
        "<int:pk>/memberships/",
        apis.OrganisationMembershipListApi.as_view(),
        name="organisation-memberships",
    ),
    path(
        "<int:pk>/certificate-policies/",
        apis.CertificatePolicyListApi.as_view(),
        name="certificate-policy-list",
    ),
    path("<int:pk>/school-policy/", apis.SchoolPolicyApi.as_view(), name="school-policy"),
    path(
        "certificate-policies/<int:pk>/",
        apis.CertificatePolicyDeleteApi.as_view(),
        name="certificate-policy-detail",
    ),
    path("locations/", apis.LocationListApi.as_view(), name="location-list"),
    path("locations/<int:pk>/", apis.LocationDetailApi.as_view(), name="location-detail"),
    path("consortia/", apis.ConsortiumListApi.as_view(), name="consortium-list"),
    path("consortia/<int:pk>/", apis.ConsortiumDetailApi.as_view(), name="consortium-detail"),
    path(
        "consortia/<int:pk>/members/",
        apis.ConsortiumMemberListApi.as_view(),
        name="consortium-member-list",
    ),
    path(
        "consortia/members/<int:pk>/",
        apis.ConsortiumMemberDetailApi.as_view(),
        name="consortium-member-detail",
    ),
    path(
        "consortia/members/<int:pk>/end/",
        apis.ConsortiumMemberEndApi.as_view(),
        name="consortium-member-end",
    ),
]

# Mounted under /api/auth/ next to backend.accounts.urls (backend/config/urls.py): the people
# endpoints that involve an organisation, which the accounts app (below organisations) cannot
# serve itself.
auth_urlpatterns = [
    path("me/", apis.MeApi.as_view(), name="auth-me"),
    path("sign-up/company/", apis.CompanySignUpApi.as_view(), name="company-sign-up"),
    path("invitations/", apis.InvitationListApi.as_view(), name="invitation-list"),
    path("invitations/<int:pk>/", apis.InvitationRevokeApi.as_view(), name="invitation-detail"),
    path("invitations/lookup/", apis.InvitationLookupApi.as_view(), name="invitation-lookup"),
    path("invitations/accept/", apis.InvitationAcceptApi.as_view(), name="invitation-accept"),
    path("memberships/<int:pk>/end/", apis.MembershipEndApi.as_view(), name="membership-end"),
    path("certificates/check/", apis.CertificateCheckApi.as_view(), name="certificate-check"),
    path(
        "certificates/<int:pk>/verify/",
        apis.CertificateVerifyApi.as_view(),
        name="certificate-verify",
    ),
    path("students/", apis.StudentListApi.as_view(), name="student-list"),
    path("students/import/", apis.StudentImportApi.as_view(), name="student-import"),
    path("students/<int:pk>/", apis.StudentDetailApi.as_view(), name="student-detail"),
]

from django.urls import path

from backend.two_factor import apis

# Mounted under /api/auth/ before accounts' own routes (backend/config/urls.py).
auth_urlpatterns = [
    path("token/", apis.TwoFactorTokenApi.as_view(), name="auth-token"),
]

from django.contrib.auth.views import LogoutView
from django.urls import include, path

from tests.sso_provider import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("signout/", LogoutView.as_view(next_page="/"), name="signout"),
    path("_control/users", views.control_users),
    path("_control/client", views.control_client),
    # authorize/, token/, userinfo/, logout/ (end_session), .well-known/openid-configuration,
    # .well-known/jwks.json: the issuer is the server's root.
    path("", include("oauth2_provider.urls", namespace="oauth2_provider")),
]

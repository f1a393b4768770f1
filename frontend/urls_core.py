from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import TemplateView

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("", TemplateView.as_view(template_name="frontend/placeholder.html"), name="dashboard"),
]

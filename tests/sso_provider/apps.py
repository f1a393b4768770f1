from django.apps import AppConfig


class SsoProviderConfig(AppConfig):
    name = "tests.sso_provider"
    label = "sso_provider"
    default_auto_field = "django.db.models.AutoField"
    verbose_name = "Test OpenID Connect provider"

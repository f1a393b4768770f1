from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "backend.sso"
    label = "sso"
    verbose_name = "Inloggen met schoolaccount"

    def ready(self) -> None:
        from backend.sso import checks  # noqa: F401  # registers the start-up checks

from django.apps import AppConfig


class FrontendConfig(AppConfig):
    name = "frontend"
    label = "frontend"

    def ready(self) -> None:
        # The backend names pages (backend.core.links.PageLink); the frontend owns their URLs.
        from django.urls import reverse

        from backend.core.links import PageLink, register_page_resolver

        def resolve(link: PageLink) -> str:
            return reverse(f"frontend:{link.name}", args=link.args)

        register_page_resolver(resolve)

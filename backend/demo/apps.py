from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo scenarios (`manage.py load_demo`). It sits above every domain app and only the
    demo command imports it: production code never depends on demo data."""

    name = "backend.demo"
    label = "demo"

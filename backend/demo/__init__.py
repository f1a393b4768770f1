"""The demo scenarios: `manage.py load_demo` builds them through `backend.demo.loader`."""

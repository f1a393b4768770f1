"""Two factors: the security page, setup, the second step, recovery codes, the school overview.

The setup and verify pages are the only pages (besides logging out and the language switch)
that someone who must still pass the second factor can open (backend/two_factor/middleware.py
names them)."""

from django.urls import path

from frontend.views import two_factor

urlpatterns = [
    path("tweestapsverificatie/", two_factor.security, name="two-factor"),
    path("tweestapsverificatie/instellen/", two_factor.setup, name="two-factor-setup"),
    path("tweestapsverificatie/controleren/", two_factor.verify, name="two-factor-verify"),
    path(
        "tweestapsverificatie/herstelcodes/",
        two_factor.recovery_codes,
        name="two-factor-recovery-codes",
    ),
    path("tweestapsverificatie/uitschakelen/", two_factor.disable, name="two-factor-disable"),
    path("tweestapsverificatie/school/<int:pk>/", two_factor.school, name="two-factor-school"),
]

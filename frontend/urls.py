"""The web app's URLs, one module per area so each area can grow on its own."""

from frontend import (
    urls_agreements,
    urls_core,
    urls_engagement,
    urls_governance,
    urls_learning,
    urls_privacy,
    urls_rounds,
    urls_sso,
    urls_two_factor,
)

app_name = "frontend"

urlpatterns = [
    *urls_core.urlpatterns,
    *urls_rounds.urlpatterns,
    *urls_agreements.urlpatterns,
    *urls_engagement.urlpatterns,
    *urls_governance.urlpatterns,
    *urls_learning.urlpatterns,
    *urls_privacy.urlpatterns,
    *urls_sso.urlpatterns,
    *urls_two_factor.urlpatterns,
]

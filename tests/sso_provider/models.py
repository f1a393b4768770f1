"""The provider's one model (no migrations: `serve` creates its tables with run_syncdb)."""

from django.conf import settings
from django.db import models

# How a user's ID token can be made wrong on purpose (validators.py), for the refusal tests.
MISBEHAVIOURS = (
    "expired-token",  # exp and iat in the past
    "future-token",  # iat (and nbf) an hour ahead
    "wrong-nonce",  # a nonce the relying party did not send
    "wrong-issuer",  # iss is another provider
    "wrong-audience",  # aud is another client
    "bad-signature",  # signed with a key that is not in the JWKS (same kid)
)


class Person(models.Model):
    """The federation's view of a user: the claims released to relying parties."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    claims = models.JSONField(default=dict)
    misbehave = models.CharField(max_length=40, blank=True)

    def __str__(self) -> str:
        return self.user.get_username()

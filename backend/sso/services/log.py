"""Writing the sign-in log (append-only; see backend.sso.models)."""

import datetime as dt

from backend.sso.claims import Person
from backend.sso.models import Outcome, SignInLogEntry


def log_entry(
    *,
    now: dt.datetime,
    outcome: Outcome,
    issuer: str = "",
    person: Person | None = None,
    reason: str = "",
    detail: str = "",
    user_id: int | None = None,
    organisation_id: int | None = None,
    actor_id: int | None = None,
) -> SignInLogEntry:
    return SignInLogEntry.objects.create(
        at=now,
        issuer=issuer[:255],
        subject=(person.subject if person else "")[:255],
        home_organisation=(person.home_organisation if person else "")[:190],
        affiliation=person.affiliation_text if person else "",
        email=(person.email if person else "")[:254],
        outcome=outcome,
        reason=reason,
        detail=detail[:255],
        user_id=user_id,
        organisation_id=organisation_id,
        actor_id=actor_id,
    )

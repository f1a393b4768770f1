"""Sign-in protection: throttling and lockout, mail rate limits, expiring API tokens.

Used by the accounts API and the web login alike, so both doors have the same lock. Imports no
other Koppel app (accounts calls this, never the reverse)."""

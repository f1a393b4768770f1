"""Two factors for password logins of staff: an authenticator app (TOTP) and recovery codes.

Devices are django-otp's (`TOTPDevice`, recovery codes as a `StaticDevice` with its tokens); this
app decides who must use them (`policy`), who may reset whose (`access`), counts wrong codes
(`SecondFactorLock`), logs what happens (`SecondFactorEvent`) and keeps every signed-in person who
must use two factors away from the rest of Koppel until they did (`middleware`).
See docs/two-factor.md."""

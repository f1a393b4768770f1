"""Two factors (frontend/urls_two_factor.py). Every signed-in person may open their own security
page; the setup and verify pages send on (302) whoever has nothing to do there; renewing codes
and switching off are POST-only (405 on GET). A school's overview is its institution admin's
(none of the matrix roles: Bos is coordinator)."""

from tests.frontend.role_access import EVERYONE, NOBODY, Page

PAGES = {
    "frontend:two-factor": Page(EVERYONE),
    "frontend:two-factor-setup": Page(EVERYONE),
    "frontend:two-factor-verify": Page(EVERYONE),
    "frontend:two-factor-recovery-codes": Page(EVERYONE),
    "frontend:two-factor-disable": Page(EVERYONE),
    "frontend:two-factor-school": Page(NOBODY, kwargs=lambda cast: {"pk": cast.vista.pk}),
}

"""Who may read a consortium's co-financing ledger (pledges, realisations, the report)."""

from backend.accounts.models import Role, User
from backend.accounts.roles import SCHOOL_STAFF_ROLES
from backend.accounts.selectors import organisation_ids_for
from backend.organisations.models import Consortium


def can_read_ledger(user: User, consortium: Consortium) -> bool:
    """Koppel staff, and school staff and company contacts of the consortium's members."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    members = set(consortium.memberships.values_list("organisation_id", flat=True))
    return bool(members & organisation_ids_for(user, Role.COMPANY_CONTACT, *SCHOOL_STAFF_ROLES))

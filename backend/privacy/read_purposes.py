"""What a person reads instead of the technical `purpose` of a sensitive read (the URL name of
the page or API that read it, stored in accounts.PersonalDataRead.purpose): the access log and a
student's own export show "Via: beheeromgeving" rather than "admin:accounts_user_change". The
stored value stays as it is (the access log is never changed)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

PURPOSE_LABELS: dict[str, Promise] = {
    "api:student-detail": _("het dossier van de student in Koppel"),
    "admin": _("de beheeromgeving"),
    "admin:accounts_user_change": _("de beheeromgeving (account)"),
    "admin:accounts_studentenrolment_change": _("de beheeromgeving (inschrijving)"),
    "frontend:my-data": _("de eigen gegevens van de student"),
    "frontend:my-data-json": _("de eigen gegevens van de student (JSON-bestand)"),
    "frontend:privacy-student-data": _("de privacypagina's: gegevens van een student"),
    "frontend:privacy-student-data-json": _(
        "de privacypagina's: gegevens van een student (JSON-bestand)"
    ),
}


def purpose_label(purpose: str) -> str:
    """The readable label of a read's purpose; an unknown purpose is shown as it is stored."""
    label = PURPOSE_LABELS.get(purpose)
    if label is None and purpose.startswith("admin:"):
        label = PURPOSE_LABELS["admin"]
    return str(label) if label is not None else purpose

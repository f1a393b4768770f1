"""The student import's results and errors."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from backend.core.errors import ApplicationError


@dataclass(frozen=True)
class RowError:
    row: int  # line in the file; the header is row 1
    column: str
    message: str

    def __str__(self) -> str:
        return _("rij %(row)s, kolom %(column)s: %(message)s") % {
            "row": self.row,
            "column": self.column,
            "message": self.message,
        }

    def as_dict(self) -> dict[str, object]:
        return {"row": self.row, "column": self.column, "message": self.message, "text": str(self)}


class StudentImportError(ApplicationError):
    """The file was rejected; `errors` lists every problem, row by row. Nothing was imported."""

    def __init__(self, errors: list[RowError]):
        self.errors = errors
        message = _("Het bestand bevat %(count)s fout(en); er is niets geïmporteerd.") % {
            "count": len(errors)
        }
        super().__init__(
            message,
            extra={
                "errors": [error.as_dict() for error in errors],
                "fields": {"file": [str(error) for error in errors]},
            },
        )


@dataclass(frozen=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    # Of `updated`: students who had left this school and may log in again.
    reactivated: int = 0
    # Rows whose new e-mail address waits for confirmation from the old address.
    email_changes_pending: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


@dataclass
class ParsedRow:
    row: int
    student_number: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    crebo: str = ""
    kwalificatie_id: int | None = None
    cohort: int | None = None
    leerweg: str = ""
    class_code: str = ""
    coach_email: str = ""
    coach_id: int | None = None
    date_of_birth: dt.date | None = None
    # An existing student login of this school (without enrolment) that this row links to.
    linked_user_id: int | None = None
    # The row's e-mail differs from the known student's: ask the old address to confirm it.
    email_change: bool = False
    errors: list[RowError] = field(default_factory=list)

    def error(self, column: str, message: str) -> None:
        self.errors.append(RowError(self.row, column, message))

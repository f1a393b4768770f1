"""The processing register: every field of every model declared once (see `base`).

from backend.privacy import register
register.declaration_for("accounts.StudentEnrolment").field("care_notes").category
"""

from backend.privacy.register.base import (
    RECIPIENTS,
    Category,
    Erasure,
    ModelDeclaration,
    PersonalField,
    declaration_for,
    declarations,
    registered_models,
    subject_filter,
    undeclared,
)

__all__ = [
    "RECIPIENTS",
    "Category",
    "Erasure",
    "ModelDeclaration",
    "PersonalField",
    "declaration_for",
    "declarations",
    "registered_models",
    "subject_filter",
    "undeclared",
]

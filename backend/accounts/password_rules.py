"""Password rules Django provides, with the texts Koppel needs.

Django 5.2 changed the minimum-length message to `%d`, and its Dutch catalogue still translates
the old `%(min_length)d` text, so Dutch users saw the English sentence. Koppel words it itself
(Dutch source, English in our catalogue) until Django's translation catches up."""

from django.contrib.auth import password_validation
from django.utils.translation import ngettext


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return ngettext(
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d teken.",
            "Dit wachtwoord is te kort: gebruik minstens %(min_length)d tekens.",
            self.min_length,
        ) % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return ngettext(
            "Je wachtwoord moet minstens %(min_length)d teken lang zijn.",
            "Je wachtwoord moet minstens %(min_length)d tekens lang zijn.",
            self.min_length,
        ) % {"min_length": self.min_length}

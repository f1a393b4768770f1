import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("nl", "Dit wachtwoord is te kort: gebruik minstens 8 tekens."),
        ("en", "This password is too short: use at least 8 characters."),
    ],
)
def test_a_short_password_is_refused_in_the_readers_language(language, message):
    with translation.override(language), pytest.raises(ValidationError) as refused:
        validate_password("Xq7#")

    assert message in refused.value.messages

"""The OpenAPI schema describes every endpoint: drf-spectacular generates it without a warning
or an error (an APIView without a described request body or answer is an error)."""

import pytest
from drf_spectacular.drainage import GENERATOR_STATS
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema


@pytest.fixture
def generated_schema():
    GENERATOR_STATS.reset()
    schema = SchemaGenerator().get_schema(request=None, public=True)
    problems = sorted(GENERATOR_STATS._warn_cache) + sorted(GENERATOR_STATS._error_cache)
    GENERATOR_STATS.reset()
    return schema, problems


def test_it_generates_the_schema_without_warnings_or_errors(generated_schema):
    schema, problems = generated_schema

    assert problems == []
    validate_schema(schema)


def test_every_engagement_operation_that_takes_input_describes_its_request_body(generated_schema):
    schema, _ = generated_schema
    # These take no input: the path names the thing and the verb says what happens.
    without_body = {
        ("/api/engagement/calendar/feed/", "post"),
        ("/api/engagement/event-bookings/{id}/cancel/", "post"),
    }

    missing = [
        (path, method)
        for path, operations in schema["paths"].items()
        if path.startswith("/api/engagement/")
        for method, operation in operations.items()
        if method in {"post", "put", "patch"}
        and "requestBody" not in operation
        and (path, method) not in without_body
    ]

    assert missing == []

"""A JSON parser that refuses bodies a client should never send: deeper than MAX_DEPTH, larger
than DATA_UPLOAD_MAX_MEMORY_SIZE, or nested so deep that Python's decoder gives up."""

from collections.abc import Iterable, Mapping
from typing import IO, Any

from django.conf import settings
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# No Koppel input nests deeper than a handful of levels; 64 leaves room and keeps every later
# recursive walk (validation, error flattening) far from Python's recursion limit.
MAX_DEPTH = 64


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"

    def __init__(self) -> None:
        limit_kib = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // 1024
        super().__init__(
            _("Het verzoek is te groot: hoogstens %(limit)s KiB.") % {"limit": limit_kib}
        )


def read_limited(stream: IO[bytes]) -> bytes:
    """The whole body, but never more than DATA_UPLOAD_MAX_MEMORY_SIZE bytes in memory: DRF
    streams JSON bodies past Django's own size check."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    body = stream.read(limit + 1)
    if len(body) > limit:
        raise RequestTooLarge()
    return body


def depth_of(data: object) -> int:
    """How deep lists and objects nest (a scalar is 0), walked without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        children: Iterable[object]
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in children)
    return deepest


class SafeJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any] | None,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        body = read_limited(stream) if stream is not None else b""
        try:
            data = json.loads(
                body.decode(encoding),
                # Like DRF's parser: NaN and Infinity are not JSON (STRICT_JSON).
                parse_constant=json.strict_constant if self.strict else None,
            )
        except RecursionError:
            raise exceptions.ParseError(_too_deep()) from None
        except ValueError as exc:
            raise exceptions.ParseError(_("Ongeldige JSON: %(error)s") % {"error": exc}) from None
        if depth_of(data) > MAX_DEPTH:
            raise exceptions.ParseError(_too_deep())
        return data


def _too_deep() -> str:
    return _("De JSON is te diep genest: hoogstens %(depth)s niveaus.") % {"depth": MAX_DEPTH}

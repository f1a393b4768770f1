"""One error shape for the whole API: {"message": str, "extra": {"fields": {name: [msgs]}}}.

`koppel_exception_handler` shapes what DRF views raise; `bad_request`, `page_not_found` and
`server_error` (handler400/404/500) answer in the same shape for /api/ paths when an error
happens outside a DRF view (an unknown URL, a body over the size limit, a bug)."""

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler

from backend.core.errors import ApplicationError
from backend.core.parsers import RequestTooLarge


def _fields_from_django(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            field: [str(message) for message in messages]
            for field, messages in error.message_dict.items()
        }
    return {"non_field_errors": [str(message) for message in error.messages]}


def _flatten(detail: object, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"a.b": ["message"]}."""
    if isinstance(detail, dict):
        fields: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            fields.update(_flatten(value, name))
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return {prefix or "non_field_errors": [str(item) for item in detail]}
        fields = {}
        for index, item in enumerate(detail):
            fields.update(_flatten(item, f"{prefix}[{index}]" if prefix else str(index)))
        return fields
    return {prefix or "non_field_errors": [str(detail)]}


def _summary(fields: dict[str, list[str]]) -> str:
    name, messages = next(iter(fields.items()))
    if name == "non_field_errors":
        return messages[0]
    return _("%(field)s: %(message)s") % {"field": name, "message": messages[0]}


def koppel_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return Response({"message": exc.message, "extra": exc.extra}, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        fields = _fields_from_django(exc)
        return Response({"message": _summary(fields), "extra": {"fields": fields}}, status=400)
    if isinstance(exc, RequestDataTooBig):
        exc = RequestTooLarge()
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _flatten(exc.detail)
        response.data = {"message": _summary(fields), "extra": {"fields": fields}}
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        response.data = {"message": str(detail), "extra": {}}
    return response


def _is_api(request: HttpRequest) -> bool:
    return request.path.startswith("/api/")


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"message": message, "extra": {}}, status=status)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400: Django's own 400s (a body over DATA_UPLOAD_MAX_MEMORY_SIZE, a bad host)."""
    if isinstance(exception, RequestDataTooBig):
        message = str(RequestTooLarge().detail)
        if _is_api(request):
            return _error(message, 413)
        return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
    if _is_api(request):
        return _error(str(exceptions.ParseError.default_detail), 400)
    return defaults.bad_request(request, exception)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an unknown API URL answers JSON like every other API error."""
    if _is_api(request):
        return _error(str(exceptions.NotFound.default_detail), 404)
    return defaults.page_not_found(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django has already logged the exception; the client learns nothing of it."""
    if _is_api(request):
        return _error(_("Er ging iets mis op de server. Probeer het later opnieuw."), 500)
    return defaults.server_error(request)

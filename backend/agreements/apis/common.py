"""Helpers shared by the agreement API views. The output shapes live in selectors.detail
(the pages show the same data)."""

import re
from typing import Any

from rest_framework.request import Request

from backend.accounts.models import User
from backend.agreements.models import Agreement
from backend.agreements.selectors import agreement_detail
from backend.agreements.selectors.detail import (
    commitment_data,
    detail_data,
    reading_language,
    summary_data,
    version_data,
)
from backend.core.errors import NotFound

__all__ = [
    "client_ip",
    "commitment_data",
    "detail_data",
    "document_views",
    "reader_language",
    "summary_data",
    "version_data",
    "visible_agreement_or_404",
]


def client_ip(request: Request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def visible_agreement_or_404(user: User, pk: int) -> Agreement:
    agreement = agreement_detail(user, pk)
    if agreement is None:
        # Outsiders learn nothing, not even that the agreement exists.
        raise NotFound("Afspraak niet gevonden.")
    return agreement


def reader_language(request: Request) -> str:
    """The language the agreement is read in: `?lang=`, else the reader's own, else Dutch."""
    return reading_language(request.query_params.get("lang"), request.user)


def document_views(namespace: dict[str, Any]) -> None:
    """Give drf-spectacular the request serializer and a JSON-object (or CSV) response for every
    APIView defined in an API module; call at the bottom of the module with `globals()`."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema, extend_schema_view
    from rest_framework.views import APIView

    for obj in list(namespace.values()):
        if not (
            isinstance(obj, type)
            and issubclass(obj, APIView)
            and obj.__module__ == namespace["__name__"]
        ):
            continue
        request = _request_serializer(obj, namespace)
        response = OpenApiTypes.STR if "Csv" in obj.__name__ else OpenApiTypes.OBJECT
        methods = {
            method: extend_schema(
                operation_id=_operation_id(obj, method),
                request=None if method == "get" else request,
                responses=response,
            )
            for method in ("get", "post", "patch")
            if hasattr(obj, method)
        }
        extend_schema_view(**methods)(obj)


def _request_serializer(view: type, namespace: dict[str, Any]) -> Any:
    request = getattr(view, "InputSerializer", None)
    if request is not None:
        # Every view's nested serializer is called InputSerializer; give each its own name.
        request = type(f"{view.__name__.removesuffix('Api')}InputSerializer", (request,), {})
    if getattr(view, "needs_reason", False):
        request = getattr(view, "ReasonSerializer", None)
    if view.__name__ in ("AgreementChangeApi", "AgreementVersionDetailApi"):
        request = namespace.get("TermsSerializer")
    return request


def _operation_id(view: type, method: str) -> str:
    """AgreementChangeApi, post -> agreements_agreement_change_post."""
    words = re.sub(r"(?<!^)(?=[A-Z])", "_", view.__name__.removesuffix("Api")).lower()
    return f"agreements_{words}_{method}"

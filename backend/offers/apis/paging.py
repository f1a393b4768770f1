"""Paging that refuses what it cannot serve: a page or page size that is no number, or a page
past the last, is a 400 naming the parameter (DRF answers an unknown page with a 404 and
ignores a bad page size)."""

from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from backend.core.errors import field_error
from backend.core.ids import parse_id
from backend.core.pagination import StandardPagination


class CheckedPagination(StandardPagination):
    def get_page_size(self, request: Request) -> int:
        raw = request.query_params.get(self.page_size_query_param, "")
        if not raw:
            return self.page_size
        size = parse_id(raw)
        if size is None or size > self.max_page_size:
            raise field_error(
                self.page_size_query_param,
                _("Kies een paginagrootte van 1 tot en met %(max)d.") % {"max": self.max_page_size},
            )
        return size

    def paginate_queryset(
        self,
        queryset: "QuerySet[Any, Any] | Sequence[Any]",
        request: Request,
        view: APIView | None = None,
    ) -> list[Any] | None:
        raw = request.query_params.get(self.page_query_param, "")
        if raw and raw not in self.last_page_strings and parse_id(raw) is None:
            raise field_error(self.page_query_param, _("Een paginanummer is een getal vanaf 1."))
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise field_error(
                self.page_query_param,
                _("Pagina %(page)s bestaat niet; de laatste pagina is %(last)d.")
                % {"page": raw[:20], "last": self._pages(queryset, request)},
            ) from None

    def _pages(self, queryset: "QuerySet[Any, Any] | Sequence[Any]", request: Request) -> int:
        paginator = self.django_paginator_class(queryset, self.get_page_size(request))
        return paginator.num_pages

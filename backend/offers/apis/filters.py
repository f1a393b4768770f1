import django_filters  # type: ignore[import-untyped]  # django-filter ships no type stubs
from django.db.models import QuerySet

from backend.offers.models import Offer, OfferKind, OfferStatus
from backend.offers.selectors.visibility import open_to_kwalificatie


class OfferFilter(django_filters.FilterSet):  # type: ignore[misc]  # untyped base (no stubs)
    kind = django_filters.MultipleChoiceFilter(choices=OfferKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=OfferStatus.choices)
    level = django_filters.NumberFilter(method="filter_level", label="niveau (1-4)")
    programme = django_filters.NumberFilter(method="filter_programme", label="kwalificatie id")
    owner = django_filters.NumberFilter(field_name="owner_id")

    class Meta:
        model = Offer
        fields = ["kind", "status", "level", "programme", "owner"]

    def filter_level(self, queryset: QuerySet[Offer], name: str, value: int) -> QuerySet[Offer]:
        return queryset.filter(niveau_min__lte=value, niveau_max__gte=value)

    def filter_programme(self, queryset: QuerySet[Offer], name: str, value: int) -> QuerySet[Offer]:
        return queryset.filter(open_to_kwalificatie(value))

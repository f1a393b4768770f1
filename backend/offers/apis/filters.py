import django_filters
from django.db.models import Exists, OuterRef, Q

from backend.offers.models import Offer, OfferKind, OfferStatus


class OfferFilter(django_filters.FilterSet):
    kind = django_filters.MultipleChoiceFilter(choices=OfferKind.choices)
    status = django_filters.MultipleChoiceFilter(choices=OfferStatus.choices)
    level = django_filters.NumberFilter(method="filter_level", label="niveau (1-4)")
    programme = django_filters.NumberFilter(method="filter_programme", label="kwalificatie id")
    owner = django_filters.NumberFilter(field_name="owner_id")

    class Meta:
        model = Offer
        fields = ["kind", "status", "level", "programme", "owner"]

    def filter_level(self, queryset, name, value):
        return queryset.filter(niveau_min__lte=value, niveau_max__gte=value)

    def filter_programme(self, queryset, name, value):
        through = Offer.programmes.through
        restricted = Exists(through.objects.filter(offer_id=OuterRef("pk")))
        listed = Exists(through.objects.filter(offer_id=OuterRef("pk"), kwalificatie_id=value))
        return queryset.filter(~Q(restricted) | Q(listed))

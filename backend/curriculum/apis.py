"""Read-only curriculum API for every signed-in user. Writes go through admin and the import command.

Teachers use the werkproces search when they map an offer onto werkprocessen.
"""

from collections.abc import Callable, Sequence
from typing import Any, cast

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import generics, serializers
from rest_framework.filters import BaseFilterBackend
from rest_framework.request import Request
from rest_framework.response import Response

from backend.core.errors import NotFound
from backend.curriculum import selectors
from backend.curriculum.models import Kerntaak, Kwalificatie, Kwalificatiedossier, Werkproces


class _SelectorListApi(generics.ListAPIView[Any]):
    # A list filtered by a selector from the validated query parameters (`FilterSerializer`).
    # No docstring: drf-spectacular would show it as every subclass's description.
    # The selectors do the filtering; DRF's default search/ordering backends would add a second,
    # different `?search=` vocabulary.
    filter_backends: Sequence[type[BaseFilterBackend]] = []
    FilterSerializer: type[serializers.Serializer[Any]]
    # Each list defines `select(**validated_query_params)`, calling its selector.
    select: Callable[..., QuerySet[Any]]

    def get_queryset(self) -> QuerySet[Any]:
        filters = self.FilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return self.select(**filters.validated_data)


class _SearchFilter(serializers.Serializer[Any]):
    q = serializers.CharField(required=False, allow_blank=True, max_length=100)


class CurriculumWerkprocesSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    code = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    kerntaak_code = serializers.CharField(source="kerntaak.code")
    kerntaak_title = serializers.CharField(source="kerntaak.title")
    kind = serializers.CharField(source="kerntaak.kind")
    dossier_id = serializers.IntegerField(source="kerntaak.dossier_id")
    dossier_title = serializers.CharField(source="kerntaak.dossier.title")


class CurriculumKwalificatieSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    crebo = serializers.CharField()
    title = serializers.CharField()
    niveau = serializers.IntegerField()
    dossier_id = serializers.IntegerField()
    dossier_title = serializers.CharField(source="dossier.title")
    dossier_edition = serializers.CharField(source="dossier.edition")


class CurriculumDossierSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    crebo = serializers.CharField()
    title = serializers.CharField()
    edition = serializers.CharField()
    valid_from = serializers.DateField()
    valid_until = serializers.DateField()
    source = serializers.CharField()  # type: ignore[assignment]  # the dossier's source, not Field.source
    kwalificatie_count = serializers.IntegerField()


@extend_schema_view(
    get=extend_schema(parameters=[OpenApiParameter("q", str, description="woorden of crebo")])
)
class DossierListApi(_SelectorListApi):
    FilterSerializer = _SearchFilter
    serializer_class = CurriculumDossierSerializer

    def select(self, q: str = "") -> QuerySet[Kwalificatiedossier]:
        return selectors.dossier_list(q=q)


class DossierDetailApi(generics.GenericAPIView[Kwalificatiedossier]):
    class CurriculumDossierDetailSerializer(serializers.Serializer[Any]):
        class CurriculumKerntaakSerializer(serializers.Serializer[Any]):
            id = serializers.IntegerField()
            code = serializers.CharField()
            title = serializers.CharField()
            kind = serializers.CharField()
            kwalificatie_crebos = serializers.SerializerMethodField()
            werkprocessen = serializers.SerializerMethodField()

            def get_kwalificatie_crebos(self, kerntaak: Kerntaak) -> list[str]:
                return sorted(k.crebo for k in kerntaak.kwalificaties.all())

            def get_werkprocessen(self, kerntaak: Kerntaak) -> list[dict[str, Any]]:
                return [
                    {"id": w.id, "code": w.code, "title": w.title, "description": w.description}
                    for w in sorted(kerntaak.werkprocessen.all(), key=lambda w: w.code)
                ]

        class CurriculumDossierKwalificatieSerializer(serializers.Serializer[Any]):
            id = serializers.IntegerField()
            crebo = serializers.CharField()
            title = serializers.CharField()
            niveau = serializers.IntegerField()

        id = serializers.IntegerField()
        crebo = serializers.CharField()
        title = serializers.CharField()
        edition = serializers.CharField()
        valid_from = serializers.DateField()
        valid_until = serializers.DateField()
        source = serializers.CharField()  # type: ignore[assignment]  # the dossier's source
        source_note = serializers.CharField()
        kwalificaties = CurriculumDossierKwalificatieSerializer(many=True)
        kerntaken = CurriculumKerntaakSerializer(many=True)

    serializer_class = CurriculumDossierDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        dossier = selectors.dossier_detail(pk=pk)
        if dossier is None:
            raise NotFound(_("Dit kwalificatiedossier bestaat niet."))
        return Response(self.CurriculumDossierDetailSerializer(dossier).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="woorden of crebo"),
            OpenApiParameter("niveau", int),
            OpenApiParameter("dossier", int),
        ]
    )
)
class KwalificatieListApi(_SelectorListApi):
    class FilterSerializer(_SearchFilter):
        niveau = serializers.IntegerField(required=False, min_value=1, max_value=4)
        dossier = serializers.IntegerField(required=False, min_value=1)

    serializer_class = CurriculumKwalificatieSerializer

    def select(self, **filters: Any) -> QuerySet[Kwalificatie]:
        return selectors.kwalificatie_list(**filters)


class KwalificatieDetailApi(generics.GenericAPIView[Kwalificatie]):
    class CurriculumKwalificatieDetailSerializer(CurriculumKwalificatieSerializer):
        werkprocessen = serializers.SerializerMethodField()

        def get_werkprocessen(self, kwalificatie: Kwalificatie) -> list[dict[str, Any]]:
            werkprocessen = selectors.werkprocessen_for_kwalificatie(kwalificatie)
            # many=True: the data is a list (the stubs type every .data as a dict).
            return cast(
                "list[dict[str, Any]]",
                CurriculumWerkprocesSerializer(werkprocessen, many=True).data,
            )

    serializer_class = CurriculumKwalificatieDetailSerializer

    def get(self, request: Request, pk: int) -> Response:
        kwalificatie = Kwalificatie.objects.select_related("dossier").filter(pk=pk).first()
        if kwalificatie is None:
            raise NotFound(_("Deze kwalificatie bestaat niet."))
        return Response(self.CurriculumKwalificatieDetailSerializer(kwalificatie).data)


@extend_schema_view(
    get=extend_schema(
        parameters=[
            OpenApiParameter("q", str, description="code (B1-K1-W3) of woorden"),
            OpenApiParameter("kwalificatie", int, description="alleen werkprocessen van deze"),
        ]
    )
)
class WerkprocesSearchApi(_SelectorListApi):
    class FilterSerializer(_SearchFilter):
        kwalificatie = serializers.PrimaryKeyRelatedField(
            queryset=Kwalificatie.objects.all(),
            required=False,
            error_messages={
                "does_not_exist": "Kwalificatie {pk_value} bestaat niet.",
                "incorrect_type": "Geef het id van een kwalificatie (een getal).",
            },
        )

    serializer_class = CurriculumWerkprocesSerializer

    def select(self, q: str = "", kwalificatie: Kwalificatie | None = None) -> QuerySet[Werkproces]:
        return selectors.werkproces_search(q, kwalificatie=kwalificatie)

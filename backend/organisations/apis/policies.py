"""Schools' certificate policies."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.organisations import selectors, services
from backend.organisations.apis.organisations import (
    OrganisationBriefSerializer,
    visible_organisation_or_404,
)
from backend.organisations.models import (
    CertificateKind,
    CertificatePolicy,
    PolicySubject,
)


class CertificatePolicyOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    organisation = OrganisationBriefSerializer()
    certificate = serializers.CharField()
    applies_to = serializers.CharField()
    applies_to_label = serializers.CharField(source="get_applies_to_display")
    note = serializers.CharField()


class CertificatePolicyListApi(generics.ListAPIView):
    """GET a school's certificate policies (public: companies must know them). POST {certificate,
    applies_to, note}: the school's institution admins."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CertificatePolicyListInput"

        certificate = serializers.ChoiceField(choices=CertificateKind.choices)
        applies_to = serializers.ChoiceField(choices=PolicySubject.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")

    serializer_class = CertificatePolicyOutputSerializer
    filterset_fields = ["certificate", "applies_to"]
    ordering_fields = ["certificate", "applies_to"]

    def _organisation(self):
        return visible_organisation_or_404(self.request, self.kwargs["pk"])

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CertificatePolicy.objects.none()
        return selectors.certificate_policies_for(self._organisation())

    @extend_schema(request=InputSerializer, responses={201: CertificatePolicyOutputSerializer})
    def post(self, request, pk: int):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        policy = services.certificate_policy_create(
            organisation=self._organisation(), actor=request.user, **data.validated_data
        )
        return Response(CertificatePolicyOutputSerializer(policy).data, status=201)


class CertificatePolicyDeleteApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        policy = get_object_or_404(CertificatePolicy.objects.select_related("organisation"), pk=pk)
        services.certificate_policy_delete(policy=policy, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

"""A school's check of certificates: verify the original document, test someone against the
school's policy."""

from typing import Any

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.access import may_check_certificates
from backend.accounts.apis.people import CertificateOutputSerializer
from backend.accounts.models import User
from backend.accounts.permissions import signed_in_user
from backend.accounts.selectors import certificates_visible_to
from backend.core.errors import NotFound
from backend.organisations import selectors, services
from backend.organisations.models import Organisation, PolicySubject


class CertificateVerifyApi(APIView):
    @extend_schema(request=None, responses=CertificateOutputSerializer)
    def post(self, request: Request, pk: int) -> Response:
        actor = signed_in_user(request)
        certificate = get_object_or_404(certificates_visible_to(actor), pk=pk)
        certificate = services.certificate_verify(
            certificate=certificate, actor=actor, now=timezone.now()
        )
        return Response(CertificateOutputSerializer(certificate).data)


class CertificateCheckApi(APIView):
    """GET ?person=&school=&subject=guest_teacher&on=YYYY-MM-DD → {"ok", "violations": [...]}.
    For school staff (any person who is not a student) and for people checking themselves."""

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "CertificateCheckInput"

        person = serializers.IntegerField()
        school = serializers.IntegerField()
        subject = serializers.ChoiceField(choices=PolicySubject.choices)
        on = serializers.DateField(required=False)

    @extend_schema(
        parameters=[InputSerializer],
        responses=inline_serializer(
            "CertificateCheck",
            {"ok": serializers.BooleanField(), "violations": serializers.ListField()},
        ),
    )
    def get(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = User.objects.filter(pk=values["person"]).first()
        if person is None or not may_check_certificates(signed_in_user(request), person):
            # One answer for nobody and for someone the caller may not check (a student, or
            # anyone when the caller is no school staff), so ids cannot be probed. The person is
            # judged before the school, so an unknown school cannot tell them apart either.
            raise NotFound(
                _("Deze persoon bestaat niet of je mag diens certificaten niet controleren.")
            )
        school = get_object_or_404(Organisation.objects.schools(), pk=values["school"])
        violations = selectors.certificate_policy_violations(
            person=person,
            school=school,
            subject=values["subject"],
            on=values.get("on") or timezone.localdate(),
        )
        return Response({"ok": not violations, "violations": violations})

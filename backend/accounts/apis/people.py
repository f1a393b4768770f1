"""People leaving and certificates."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import selectors, services
from backend.accounts.models import Membership, User
from backend.core.errors import NotFound
from backend.organisations.models import CertificateKind, Organisation, PolicySubject
from backend.organisations.selectors import organisations_visible_to


class MembershipEndApi(APIView):
    """POST: end a membership (the person themselves, the organisation's managers, Koppel staff)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        membership = get_object_or_404(
            Membership.objects.select_related("organisation", "user").filter(
                organisation__in=organisations_visible_to(request.user).values("pk")
            ),
            pk=pk,
        )
        membership = services.membership_end(
            membership=membership, actor=request.user, now=timezone.now()
        )
        return Response({"id": membership.pk, "ended_at": membership.ended_at})


class PersonLeaveApi(APIView):
    """POST: the person leaves Koppel (see services.person_leave for who may do this)."""

    @extend_schema(request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, pk: int):
        user = get_object_or_404(User, pk=pk)
        visible = (
            request.user.is_staff
            or user.pk == request.user.pk
            or Membership.objects.filter(
                user=user, organisation_id__in=selectors.organisation_ids_for(request.user)
            ).exists()
        )
        if not visible:
            raise NotFound(_("Deze persoon bestaat niet."))
        user = services.person_leave(user=user, actor=request.user, now=timezone.now())
        return Response({"id": user.pk, "left_at": user.left_at, "is_active": user.is_active})


class CertificateOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    holder = serializers.SerializerMethodField()
    kind = serializers.CharField()
    issued_on = serializers.DateField()
    valid_until = serializers.DateField()
    verified = serializers.SerializerMethodField()
    verified_at = serializers.DateTimeField()
    verified_by = serializers.SerializerMethodField()

    def get_holder(self, certificate) -> dict:
        return {"id": certificate.holder_id, "name": certificate.holder.get_full_name()}

    def get_verified(self, certificate) -> bool:
        return certificate.verified_at is not None

    def get_verified_by(self, certificate) -> str | None:
        checker = certificate.verified_by
        return (checker.get_full_name() or checker.email) if checker else None


class CertificateListApi(generics.ListAPIView):
    """GET your certificates (school staff: also those of guest teachers and company mentors;
    filter `holder`, `kind`). POST {kind, issued_on, valid_until} records one of your own."""

    class InputSerializer(serializers.Serializer):
        class Meta:
            ref_name = "CertificateListInput"

        kind = serializers.ChoiceField(choices=CertificateKind.choices)
        issued_on = serializers.DateField()
        valid_until = serializers.DateField()

    serializer_class = CertificateOutputSerializer
    filterset_fields = ["holder", "kind"]
    ordering_fields = ["valid_until", "issued_on"]

    def get_queryset(self):
        return selectors.certificates_visible_to(self.request.user)

    @extend_schema(request=InputSerializer, responses={201: CertificateOutputSerializer})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_create(
            holder=request.user, actor=request.user, **data.validated_data
        )
        return Response(CertificateOutputSerializer(certificate).data, status=201)


class CertificateDetailApi(APIView):
    @extend_schema(responses={204: None})
    def delete(self, request, pk: int):
        certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
        services.certificate_delete(certificate=certificate, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CertificateVerifyApi(APIView):
    @extend_schema(request=None, responses=CertificateOutputSerializer)
    def post(self, request, pk: int):
        certificate = get_object_or_404(selectors.certificates_visible_to(request.user), pk=pk)
        certificate = services.certificate_verify(
            certificate=certificate, actor=request.user, now=timezone.now()
        )
        return Response(CertificateOutputSerializer(certificate).data)


def _may_check_certificates(user: User, person: User) -> bool:
    """Oneself; school staff anyone who is not a student (guest teachers, mentors); Koppel staff."""
    if person.pk == user.pk or user.is_staff:
        return True
    return bool(selectors.staff_school_ids(user)) and not hasattr(person, "enrolment")


class CertificateCheckApi(APIView):
    """GET ?person=&school=&subject=guest_teacher&on=YYYY-MM-DD → {"ok", "violations": [...]}.
    For school staff (any person who is not a student) and for people checking themselves."""

    class InputSerializer(serializers.Serializer):
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
    def get(self, request):
        data = self.InputSerializer(data=request.query_params)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        person = User.objects.filter(pk=values["person"]).first()
        if person is None or not _may_check_certificates(request.user, person):
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

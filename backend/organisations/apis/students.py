"""The students list for school staff and the student import into a school."""

from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts import services as people_services
from backend.accounts.access import require_may_import_students
from backend.accounts.models import PersonalDataReadKind, StudentEnrolment
from backend.accounts.permissions import IsSchoolStaff, signed_in_user
from backend.accounts.selectors import enrolments_visible_to
from backend.accounts.services.care_notes import care_notes_read
from backend.accounts.services.sensitive_reads import record_sensitive_read
from backend.accounts.services.student_import.parsing import MAX_FILE_BYTES
from backend.organisations.apis.organisations import OrganisationBriefSerializer
from backend.organisations.models import Organisation


class StudentOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(source="student_id")
    name = serializers.CharField(source="student.get_full_name")
    first_name = serializers.CharField(source="student.first_name")
    last_name = serializers.CharField(source="student.last_name")
    student_number = serializers.CharField()
    school = OrganisationBriefSerializer()
    kwalificatie = serializers.CharField(source="kwalificatie.title")
    crebo = serializers.CharField(source="kwalificatie.crebo")
    niveau = serializers.IntegerField(source="kwalificatie.niveau")
    cohort = serializers.IntegerField()
    leerweg = serializers.CharField()
    class_code = serializers.CharField()


class StudentListApi(generics.ListAPIView[StudentEnrolment]):
    """GET the students of your own school(s): school staff only, never companies. Filter
    `cohort`, `class_code`, `leerweg`, `school`, `crebo`, `niveau`; search name or number."""

    permission_classes = [IsSchoolStaff]
    serializer_class = StudentOutputSerializer
    filterset_fields = {
        "cohort": ["exact"],
        "class_code": ["exact"],
        "leerweg": ["exact"],
        "school": ["exact"],
        "kwalificatie__crebo": ["exact"],
        "kwalificatie__niveau": ["exact"],
    }
    search_fields = ["student__first_name", "student__last_name", "student_number"]
    ordering_fields = ["student__last_name", "student_number", "cohort", "class_code"]

    def get_queryset(self) -> QuerySet[StudentEnrolment]:
        return enrolments_visible_to(signed_in_user(self.request))


class StudentDetailApi(APIView):
    """GET one student of your school. `care_notes` is only present for the student's own coach
    and the roles the school's policy names; each such read is recorded, and so is every opening
    of the record itself (the access log of the school's privacy officer)."""

    permission_classes = [IsSchoolStaff]

    class DetailSerializer(StudentOutputSerializer):
        class Meta:
            ref_name = "StudentDetailDetail"

        email = serializers.EmailField(source="student.email")
        coach = serializers.CharField(source="coach.get_full_name", default=None)
        date_of_birth = serializers.DateField()

    @extend_schema(responses=DetailSerializer)
    def get(self, request: Request, pk: int) -> Response:
        reader = signed_in_user(request)
        enrolment = get_object_or_404(enrolments_visible_to(reader), student_id=pk)
        data = self.DetailSerializer(enrolment).data
        # The student's full record opened by staff: in the access log (issue 14).
        if reader.pk != enrolment.student_id:
            record_sensitive_read(
                reader=reader,
                student=enrolment.student,
                enrolment=enrolment,
                kind=PersonalDataReadKind.STUDENT_RECORD,
                purpose="api:student-detail",
            )
        care_notes = care_notes_read(
            enrolment=enrolment, reader=reader, purpose="api:student-detail"
        )
        if care_notes is not None:
            data["care_notes"] = care_notes
        return Response(data)


class StudentImportApi(APIView):
    """POST multipart {school, file}: import a CSV export (docs/student-import.md). 200 with the
    counts, or 400 with `extra.errors` listing every bad row (and nothing imported)."""

    parser_classes = [MultiPartParser, FormParser]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "StudentImportInput"

        school = serializers.PrimaryKeyRelatedField(queryset=Organisation.objects.schools())
        file = serializers.FileField()

        def validate_file(self, file: "UploadedFile[bytes]") -> "UploadedFile[bytes]":
            # Checked on the upload's size, before its content is read into memory.
            if file.size is not None and file.size > MAX_FILE_BYTES:
                raise serializers.ValidationError(
                    _("Het bestand is groter dan %(size)s MB; splits het op.")
                    % {"size": MAX_FILE_BYTES // (1024 * 1024)}
                )
            return file

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses=inline_serializer(
            "StudentImportResult",
            {
                "created": serializers.IntegerField(),
                "updated": serializers.IntegerField(),
                "unchanged": serializers.IntegerField(),
                "reactivated": serializers.IntegerField(),
                "email_changes_pending": serializers.IntegerField(),
            },
        ),
    )
    def post(self, request: Request) -> Response:
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        actor = signed_in_user(request)
        school = data.validated_data["school"]
        # Refuse before reading the upload.
        require_may_import_students(actor, school)
        result = people_services.students_import(
            school=school,
            content=data.validated_data["file"].read(),
            actor=actor,
            today=timezone.localdate(),
        )
        return Response(
            {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
                "reactivated": result.reactivated,
                "email_changes_pending": result.email_changes_pending,
            }
        )

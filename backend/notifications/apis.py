"""Notifications API: my messages, mark them read, my preferences per category."""

import re
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import signed_in_user
from backend.core.errors import ApplicationError, NotFound
from backend.notifications.models import Notification
from backend.notifications.selectors import notifications_for, preferences_for, unread_count
from backend.notifications.services import notification_mark_read, preference_set

CATEGORY = re.compile(r"^[a-z0-9_.:-]{1,50}$")


class NotificationListApi(generics.ListAPIView[Notification]):
    """My notifications, newest first; `?unread=true` for the unread ones only."""

    class NotificationOutputSerializer(serializers.ModelSerializer[Notification]):
        is_read = serializers.SerializerMethodField()

        class Meta:
            model = Notification
            fields = ["id", "category", "title", "body", "url", "created_at", "read_at", "is_read"]

        def get_is_read(self, obj: Notification) -> bool:
            return obj.read_at is not None

    serializer_class = NotificationOutputSerializer
    filter_backends: list[type] = []

    @extend_schema(parameters=[OpenApiParameter("unread", bool)])
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        return super().get(request, *args, **kwargs)

    def get_queryset(self) -> QuerySet[Notification]:
        unread = self.request.query_params.get("unread", "").lower() in ("1", "true", "yes")
        return notifications_for(signed_in_user(self.request), unread=unread)


class NotificationUnreadCountApi(APIView):
    class UnreadCountOutputSerializer(serializers.Serializer[Any]):
        unread = serializers.IntegerField()

    @extend_schema(responses=UnreadCountOutputSerializer)
    def get(self, request: Request) -> Response:
        return Response({"unread": unread_count(signed_in_user(request))})


class NotificationMarkReadApi(APIView):
    """Mark some (`ids`) or all (`all: true`) of my notifications read. Others' ids are ignored."""

    class MarkReadInputSerializer(serializers.Serializer[Any]):
        ids = serializers.ListField(child=serializers.IntegerField(), required=False)
        all = serializers.BooleanField(required=False, default=False)

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if not attrs.get("ids") and not attrs.get("all"):
                raise serializers.ValidationError(
                    {"ids": [_("Geef de meldingen op (ids) of kies alles (all).")]}
                )
            return attrs

    class MarkReadOutputSerializer(serializers.Serializer[Any]):
        marked = serializers.IntegerField()

    @extend_schema(request=MarkReadInputSerializer, responses=MarkReadOutputSerializer)
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        data = self.MarkReadInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ids = data.validated_data.get("ids") or []
        if data.validated_data.get("all"):
            ids = list(notifications_for(user, unread=True).values_list("pk", flat=True))
        marked = notification_mark_read(user=user, notification_ids=ids, now=timezone.now())
        return Response({"marked": marked})


class NotificationReadApi(APIView):
    """Mark one of my notifications read (404 for anyone else's)."""

    @extend_schema(request=None, responses={204: None}, operation_id="notifications_read_one")
    def post(self, request: Request, notification_id: int) -> Response:
        user = signed_in_user(request)
        if not notifications_for(user).filter(pk=notification_id).exists():
            raise NotFound(_("Deze melding bestaat niet of is niet voor u."))
        notification_mark_read(user=user, notification_ids=[notification_id])
        return Response(status=status.HTTP_204_NO_CONTENT)


class NotificationPreferenceSerializer(serializers.Serializer[Any]):
    category = serializers.CharField(read_only=True)
    in_app = serializers.BooleanField()
    email = serializers.BooleanField()


class PreferenceListApi(APIView):
    @extend_schema(responses=NotificationPreferenceSerializer(many=True))
    def get(self, request: Request) -> Response:
        return Response(
            NotificationPreferenceSerializer(
                preferences_for(signed_in_user(request)), many=True
            ).data
        )


class PreferenceDetailApi(APIView):
    """Set in-app and e-mail for one category of my notifications."""

    @extend_schema(
        request=NotificationPreferenceSerializer, responses=NotificationPreferenceSerializer
    )
    def put(self, request: Request, category: str) -> Response:
        if not CATEGORY.match(category):
            message = _("Onbekende soort melding.")
            raise ApplicationError(message, extra={"fields": {"category": [message]}})
        data = NotificationPreferenceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        preference = preference_set(
            user=signed_in_user(request), category=category, **data.validated_data
        )
        return Response(NotificationPreferenceSerializer(preference).data)

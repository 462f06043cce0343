"""The user's own notifications, and marking one read."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action

from portal.api.views import REFUSALS, ScopedViewSet
from workflows import selectors, services
from workflows.models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class NotificationViewSet(ScopedViewSet):
    serializer_class = NotificationSerializer

    def scoped(self, user):
        return selectors.notifications_for(user)

    @extend_schema(request=None, responses={200: NotificationSerializer, **REFUSALS})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notification read; a repeat changes nothing."""
        notification = self.get_object()
        services.notification_mark_read(actor=request.user, notification=notification)
        return self.respond(notification)

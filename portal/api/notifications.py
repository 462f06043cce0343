"""The user's own notifications, and marking one read."""

from rest_framework import serializers
from rest_framework.decorators import action

from portal.api.views import ScopedViewSet, action_schema
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

    @action_schema(None, NotificationSerializer, "Mark the notification read")
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        """Mark the notification read; a repeat changes nothing."""
        notification = self.get_object()
        services.notification_mark_read(actor=request.user, notification=notification)
        return self.respond(notification)

"""What every API resource shares: signed-in reading through the app's own selectors, and
actions that call one service and answer with the object as it is now."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from portal.api.auth import SignedIn, TokenScope


class Refusal(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    errors = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()), required=False
    )
    failures = serializers.ListField(child=serializers.DictField(), required=False)


REFUSALS = {
    400: OpenApiResponse(Refusal, description="Refused: see ``errors`` and ``failures``."),
    403: OpenApiResponse(Refusal, description="The user or the token may not do this."),
    404: OpenApiResponse(Refusal, description="No such object for this user."),
    409: OpenApiResponse(Refusal, description="The object changed or its state forbids it."),
}


def action_schema(request=None, response=None, summary=""):
    """The OpenAPI description of a workflow action."""
    return extend_schema(
        request=request, responses={200: response, **REFUSALS}, summary=summary or None
    )


class ScopedViewSet(viewsets.ReadOnlyModelViewSet):
    """Reads for signed-in users: ``scoped(user)`` is the app's selector, so anything the user
    may not see is not found (404) here as on the pages."""

    permission_classes = [SignedIn, TokenScope]

    def get_queryset(self):
        return self.scoped(self.request.user).order_by("-pk")

    def answer(self, obj, status=200):
        obj = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(self.get_serializer(obj).data, status=status)

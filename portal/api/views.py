"""What every API resource shares: signed-in reading through the app's own selectors, and
actions that call one service and answer with the object as it is now."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, viewsets
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
    lookup_value_converter = "int"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            # The schema is written for nobody in particular.
            return self.get_serializer_class().Meta.model.objects.none()
        return self.scoped(self.request.user).order_by("-pk")

    def respond(self, obj, status=200):
        obj = self.get_queryset().filter(pk=obj.pk).first() or obj
        return Response(self.get_serializer(obj).data, status=status)


def validated(form):
    """The cleaned data of a page's form filled from the request body; the form's own errors,
    in the user's language, are a 400 otherwise."""
    if not form.is_valid():
        raise exceptions.ValidationError(
            {
                ("non_field_errors" if field == "__all__" else field): list(errors)
                for field, errors in form.errors.items()
            }
        )
    return form.cleaned_data

"""What every API resource shares: signed-in reading through the app's own selectors, and
actions that call one service and answer with the object as it is now."""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, viewsets
from rest_framework.decorators import api_view, permission_classes
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from portal.api.auth import SignedIn, TokenScope
from portal.api.schema import MAX_ID


def action_schema(request=None, response=None, summary=""):
    """The OpenAPI description of a workflow action (its refusals are added to every
    operation by ``portal.api.schema``)."""
    return extend_schema(request=request, responses={200: response}, summary=summary or None)


class BoundedIds:
    """Ids beyond the database's integers name nothing, and must not reach the query."""

    lookup_value_converter = "int"

    def get_object(self):
        if not 0 < int(self.kwargs[self.lookup_field]) <= MAX_ID:
            raise Http404
        return super().get_object()


class ScopedViewSet(BoundedIds, viewsets.ReadOnlyModelViewSet):
    """Reads for signed-in users: ``scoped(user)`` is the app's selector, so anything the user
    may not see is not found (404) here as on the pages."""

    permission_classes = [SignedIn, TokenScope]

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


def storing(field, call):
    """Run ``call``, a service that stores an uploaded file; a file that document storage
    refuses (after the form's checks let it through) is a 400 naming ``field``."""
    try:
        return call()
    except DjangoValidationError as error:
        raise exceptions.ValidationError({field: list(error.messages)}) from error


def body(request):
    """The JSON object the request sent; anything else counts as no fields at all."""
    return request.data if isinstance(request.data, dict) else {}


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE"])
@permission_classes([AllowAny])
def not_found(request):
    """Any other address under the API: a 404 in JSON like the rest."""
    raise Http404

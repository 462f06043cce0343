"""How the API answers a refusal: the status says what kind, the body says why, in the user's
language.

A domain error (``workflows.errors.DomainError``) is 409 when the object changed or is in a
state that does not allow the action, 403 when the user may not act, else 400. The body is
``{"code": ..., "detail": ...}``, with ``errors`` (field name to messages) when the refusal
concerns a field, and ``failures`` when it lists several reasons (an incomplete bid or report).
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from workflows.errors import DomainError

# The object changed, or its state (or its tender's deadline) no longer allows the action.
CONFLICT_CODES = frozenset(
    {
        "conflict",
        "stale",
        "not_allowed",
        "deadline_passed",
        "before_deadline",
        "not_draft",
        "not_editable",
        "not_open",
        "not_published",
        "tender_not_open",
        "not_live",
        "sheet_locked",
        "standstill_over",
        "no_standstill",
        "panel_closed",
        "already_declared",
        "already_pending",
        "award_exists",
        "award_possible",
    }
)
FORBIDDEN_CODES = frozenset({"forbidden", "four_eyes"})
# What any request may be answered with, whatever it asks (documented on every operation).
REFUSAL_STATUSES = {
    400: "The request is refused; ``errors`` and ``failures`` say why.",
    401: "Not signed in, or the token is not valid.",
    403: "The user or the token may not do this.",
    404: "No such object for this user.",
    405: "The address does not take this method.",
    406: "The address answers in JSON only.",
    409: "The object changed, or its state does not allow this.",
    415: "The body must be JSON.",
    429: "Too many requests for now.",
}

# DRF's own texts are replaced by the portal's, which are translated into every language.
MESSAGES = {
    exceptions.NotFound: ("not_found", _("Nothing was found at this address.")),
    exceptions.PermissionDenied: ("forbidden", _("You may not do this.")),
    exceptions.NotAuthenticated: ("not_signed_in", _("Sign in or send a token to use this.")),
    exceptions.MethodNotAllowed: ("method_not_allowed", _("This address does not take that.")),
    exceptions.UnsupportedMediaType: ("unsupported_media_type", _("Send JSON.")),
    exceptions.NotAcceptable: ("not_acceptable", _("This address answers in JSON only.")),
    exceptions.ParseError: ("malformed", _("The request body is not valid JSON.")),
}


def exception_handler(error, context):
    if isinstance(error, DomainError):
        return domain_error_response(error)
    if isinstance(error, Http404):
        error = exceptions.NotFound()
    elif isinstance(error, PermissionDenied):
        error = exceptions.PermissionDenied()
    response = drf_exception_handler(error, context)
    if response is None:
        return None
    if isinstance(error, exceptions.ValidationError):
        response.data = {
            "code": "invalid",
            "detail": _("Check the fields."),
            "errors": error.detail,
        }
        return response
    if isinstance(error, exceptions.Throttled):
        response.data = {
            "code": "throttled",
            "detail": _("Too many requests; try again in %(seconds)s seconds.")
            % {"seconds": error.wait and int(error.wait) or 1},
        }
        return response
    code, message = _message_of(error)
    response.data = {"code": code, "detail": message}
    return response


def domain_error_response(error):
    if error.code in CONFLICT_CODES:
        status_code = status.HTTP_409_CONFLICT
    elif error.code in FORBIDDEN_CODES:
        status_code = status.HTTP_403_FORBIDDEN
    else:
        status_code = status.HTTP_400_BAD_REQUEST
    body = {"code": error.code, "detail": str(error.message)}
    if error.field:
        body["errors"] = {error.field: [str(error.message)]}
    if hasattr(error, "failures"):
        body["failures"] = [
            {"code": failure.code, "message": str(failure.message)} for failure in error.failures
        ]
    if hasattr(error, "problems"):
        body["failures"] = [
            {
                "section": getattr(problem, "section", ""),
                "field": getattr(problem, "field", ""),
                "message": str(problem.message),
            }
            for problem in error.problems
        ]
    return Response(body, status=status_code)


def _message_of(error):
    for kind, (code, message) in MESSAGES.items():
        if isinstance(error, kind):
            # A refusal that says its own reason keeps it; DRF's generic texts are replaced.
            own = error.detail != kind.default_detail
            return code, str(error.detail if own else message)
    return error.default_code, str(error.detail)

"""What every grant view shares: officer-only pages and turning refusals into form errors or
messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404

from grants import permissions
from workflows.errors import DomainError


def officer_or_404(request):
    """Officer pages do not exist for anyone else."""
    if not permissions.is_grant_officer(request.user):
        raise Http404


def attempt(request, call, form=None, file_field=None):
    """Run one service call and return ``(True, result)``; on a refusal return ``(False, None)``
    after showing it next to the form field it concerns, on the form, or as a message."""
    try:
        return True, call()
    except DomainError as error:
        _show(request, form, error.field, error.message)
    except ValidationError as error:
        # Raised by document storage for a file the form's field let through.
        _show(request, form, file_field, error.messages[0] if error.messages else str(error))
    return False, None


def _show(request, form, field, message):
    if form is None:
        messages.error(request, message)
        return
    form.add_error(field if field in form.fields else None, message)

"""What the bid pages share: fetching a bid the user may change, and reporting refusals."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect

from tenders import permissions
from tenders.selectors.bid import bid_for
from tenders.services.bid import EDITABLE_STATES, NOT_EDITABLE
from tenders.services.bid_checks import IncompleteBid


def editable_bid(request, pk):
    """The bid, if the user may read it (else 404) and change it (else 403)."""
    bid = bid_for(request.user, pk)
    if not permissions.can_edit_bid(request.user, bid):
        raise PermissionDenied
    return bid


def refuse_unless_editable(request, bid):
    """A redirect to the bid's page with the reason when it cannot be changed now, else None."""
    if bid.state in EDITABLE_STATES:
        return None
    messages.error(request, NOT_EDITABLE[bid.state])
    return redirect("tenders:bid_detail", pk=bid.pk)


def report_to_form(form, error):
    """Show a refusal next to its field when it names one of the form's fields, else above."""
    field = error.field if error.field in form.fields else None
    if isinstance(error, IncompleteBid):
        for failure in error.failures:
            form.add_error(None, failure.message)
        return
    form.add_error(field, error.message)


def report_to_messages(request, error):
    if isinstance(error, IncompleteBid):
        for failure in error.failures:
            messages.error(request, failure.message)
        if error.hint:
            messages.info(request, error.hint)
        return
    messages.error(request, error.message)

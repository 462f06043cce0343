"""What every grant view shares: officer-only pages and turning refusals into form errors or
messages (the same way as on the provider pages, hence ``attempt`` is theirs)."""

from django.http import Http404

from grants import permissions
from providers.views.common import attempt

__all__ = ["attempt", "officer_or_404"]


def officer_or_404(request):
    """Officer pages do not exist for anyone else."""
    if not permissions.is_grant_officer(request.user):
        raise Http404

"""The verification workflow: the organisation asks, an officer decides.

Organisation admins submit; procurement officers and system administrators (see
``providers.permissions``) verify, return, reject, suspend and reinstate. Each step tells the
other side: a submission notifies the procurement officers, a decision the organisation's admins.
"""

from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from providers import permissions, selectors
from providers.readiness import missing_for_submission
from providers.services.common import organisation_url, provider_context, review_url
from workflows import runner
from workflows.errors import DomainError, interpolate_lazy
from workflows.outbox import Notice


def provider_submit(*, actor, provider, seen_state=None):
    """Submit a draft or returned organisation for verification; its admins only.

    Refused while anything in ``readiness.missing_for_submission`` is missing (the message lists
    it). Notifies the procurement officers after commit. A repeat is a no-op.
    """

    def complete(row):
        missing = missing_for_submission(row, timezone.localdate())
        if missing:
            listed = format_lazy(
                " ".join("{}" for _failure in missing), *(f.message for f in missing)
            )
            raise DomainError(
                "incomplete",
                interpolate_lazy(_("Not ready for verification: %(missing)s"), {"missing": listed}),
            )

    def notify(row, entry):
        return [
            Notice(
                event="providers.submitted",
                recipients=tuple(selectors.verification_officers()),
                context=provider_context(row),
                url=review_url(row),
            )
        ]

    return runner.apply(
        provider,
        "submit",
        actor=actor,
        seen_state=seen_state,
        permission=permissions.is_org_admin,
        check=complete,
        notify=notify,
    )


def provider_verify(*, actor, provider, seen_state=None, note=""):
    """Verify a submitted organisation; officers only. Notifies its admins. Repeat: no-op."""
    return _decide(provider, "verify", "providers.verified", actor, seen_state, note)


def provider_return(*, actor, provider, comments, seen_state=None):
    """Return a submitted organisation for changes with the officer's ``comments`` (required).

    Officers only. The comments are kept on the organisation and shown to it; its admins are
    notified. A repeat is a no-op.
    """
    return _decide(
        provider,
        "return_for_changes",
        "providers.returned",
        actor,
        seen_state,
        comments,
        required=("comments", _("Write what the organisation must change.")),
        comments=comments,
    )


def provider_reject(*, actor, provider, reason, seen_state=None):
    """Reject a submitted organisation for ``reason`` (required); officers only. Notifies its
    admins. Rejection is final. A repeat is a no-op."""
    return _decide(
        provider,
        "reject",
        "providers.rejected",
        actor,
        seen_state,
        reason,
        required=("reason", _("Give the reason for the rejection.")),
        reason=reason,
    )


def provider_suspend(*, actor, provider, reason, seen_state=None):
    """Suspend a verified organisation for ``reason`` (required); officers only. A suspended
    organisation is not eligible for tenders. Notifies its admins. A repeat is a no-op."""
    return _decide(
        provider,
        "suspend",
        "providers.suspended",
        actor,
        seen_state,
        reason,
        required=("reason", _("Give the reason for the suspension.")),
        reason=reason,
    )


def provider_reinstate(*, actor, provider, seen_state=None, note=""):
    """Reinstate a suspended organisation as verified; officers only. Notifies its admins.
    A repeat is a no-op."""
    return _decide(provider, "reinstate", "providers.reinstated", actor, seen_state, note)


def _decide(provider, transition, event, actor, seen_state, note, required=None, **arguments):
    def check(row):
        if required is not None and not (note or "").strip():
            field, message = required
            raise DomainError(f"{field}_required", message, field=field)

    def notify(row, entry):
        return [
            Notice(
                event=event,
                recipients=tuple(selectors.provider_admins(row)),
                context={**provider_context(row), "note": entry.note},
                url=organisation_url(),
            )
        ]

    return runner.apply(
        provider,
        transition,
        actor=actor,
        seen_state=seen_state,
        note=(note or "").strip(),
        permission=permissions.can_decide,
        check=check,
        notify=notify,
        **{name: value.strip() for name, value in arguments.items()},
    )

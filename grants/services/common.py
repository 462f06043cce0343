"""Helpers the grant services share: locking, stale-form checks, recipients and notices."""

from django.urls import reverse
from django.utils import timezone

from grants import selectors
from grants.models import GrantAgreement
from workflows.audit import history
from workflows.errors import ConflictError, DomainError
from workflows.outbox import Notice


def today(now=None):
    """The calendar day in Ashgabat at ``now`` (default: the current time)."""
    return timezone.localdate(now or timezone.now())


def lock_agreement(agreement):
    """Re-read ``agreement`` locked for the rest of the transaction."""
    return GrantAgreement.objects.select_for_update().get(pk=agreement.pk)


def check_version(row, seen_version):
    """Refuse a form filled in before someone else changed the row (``version`` moved on)."""
    if seen_version is not None and row.version != seen_version:
        raise ConflictError()


def repeats_last_edit(row, action, actor, seen_version, data, actions):
    """Whether an edit repeats the one just made from the same page, as a double click does:
    the row's version is one past ``seen_version``, and the last of the versioned ``actions``
    on it was ``action`` by ``actor`` with the same audit ``data``."""
    if seen_version is None or row.version != seen_version + 1:
        return False
    last = history(row).filter(action__in=actions).last()
    if last is None or last.action != action or last.actor_id != getattr(actor, "pk", None):
        return False
    recorded = {key: value for key, value in last.data.items() if key in data}
    return recorded == data


def require(condition, code, message, field=None):
    if not condition:
        raise DomainError(code, message, field=field)


def officers_for(agreement):
    """Grant officers who may act on ``agreement``: not members of its grantee."""
    return selectors.grant_officers().exclude(
        provider_memberships__provider_id=agreement.grantee_id
    )


def agreement_context(agreement):
    """JSON-safe facts about an agreement for notification templates, names in every language."""
    grantee = agreement.grantee
    return {
        "agreement_id": agreement.pk,
        "reference": agreement.reference,
        "grantee_name_tk": grantee.name_tk,
        "grantee_name_ru": grantee.name_ru,
        "grantee_name_en": grantee.name_en or grantee.name_tk,
        "amount": str(agreement.amount),
        "start_date": agreement.start_date.isoformat(),
        "end_date": agreement.end_date.isoformat(),
    }


def report_context(report):
    return {
        **agreement_context(report.agreement),
        "report_id": report.pk,
        "report_number": report.number,
        "report_final": report.is_final,
        "period_start": report.period_start.isoformat(),
        "period_end": report.period_end.isoformat(),
        "due_date": report.due_date.isoformat(),
    }


def tranche_context(tranche):
    return {
        **agreement_context(tranche.agreement),
        "tranche_id": tranche.pk,
        "tranche_number": tranche.position,
        "tranche_amount": str(tranche.amount),
        "paid_on": tranche.paid_on.isoformat() if tranche.paid_on else "",
        "payment_reference": tranche.payment_reference,
    }


def agreement_url(agreement):
    return reverse("grants:agreement", args=[agreement.pk])


def report_url(report):
    return reverse("grants:report", args=[report.pk])


def tranche_url(tranche):
    return f"{reverse('grants:agreement', args=[tranche.agreement_id])}#tranches"


def parties_notice(event, agreement, context, url):
    """One notice to both sides of the agreement: the grantee's admins and the grant officers."""
    recipients = (*selectors.grantee_admins(agreement), *officers_for(agreement))
    return Notice(event=event, recipients=recipients, context=context, url=url)


def grantee_notice(event, agreement, context, url, *, writers=False):
    """A notice to the grantee's admins, or to its admins and editors with ``writers``."""
    people = selectors.report_writers if writers else selectors.grantee_admins
    return Notice(event=event, recipients=tuple(people(agreement)), context=context, url=url)


def officers_notice(event, agreement, context, url):
    return Notice(event=event, recipients=tuple(officers_for(agreement)), context=context, url=url)

"""Registering an organisation and changing its details."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from providers import permissions
from providers.models import MemberRole, Membership, Provider
from providers.services.common import NOT_EDITABLE, check_seen, lock_provider, require
from workflows import audit
from workflows.errors import DomainError, forbidden

DETAIL_FIELDS = (
    "name_tk",
    "name_ru",
    "name_en",
    "legal_form",
    "registration_number",
    "registration_date",
    "address",
    "velayat",
    "etrap",
    "phone",
    "email",
    "website",
)
RELATED_FIELDS = ("target_groups", "service_types")


def provider_register(*, actor, details):
    """Create an organisation in draft from ``details`` and make ``actor`` its admin.

    ``details`` maps ``DETAIL_FIELDS`` and optionally ``RELATED_FIELDS`` (iterables of
    reference rows) to values. Refused when ``actor`` holds a ministry role or already belongs
    to an organisation, when the etrap is not in the velayat, or when the registration number
    is taken. Writes an audit entry. Not repeatable: a second call by the same user is refused
    because the user is then a member. Returns the provider.
    """
    if not permissions.can_register(actor):
        raise forbidden()
    _check_details(details)
    try:
        with transaction.atomic():
            require(
                not Membership.objects.select_for_update().filter(user=actor).exists(),
                "already_member",
                _("You already belong to an organisation."),
            )
            _check_unique_number(details["registration_number"])
            provider = Provider.objects.create(
                **{name: details[name] for name in DETAIL_FIELDS if name in details}
            )
            for name in RELATED_FIELDS:
                getattr(provider, name).set(details.get(name, ()))
            Membership.objects.create(provider=provider, user=actor, role=MemberRole.ADMIN)
            audit.record(provider, "register", actor=actor, target_state=provider.state)
    except IntegrityError as error:
        # Two registrations racing for the same number or the same user end here.
        raise DomainError(
            "duplicate", _("This organisation or user is already registered.")
        ) from error
    return provider


def provider_update(*, actor, provider, details, seen_state=None):
    """Change the details of an organisation in draft or returned; admins and editors only.

    ``details`` holds the fields to change (any of ``DETAIL_FIELDS`` and ``RELATED_FIELDS``).
    Raises ConflictError when the state differs from ``seen_state``. Writes an audit entry
    naming the changed fields; a call that changes nothing writes nothing, so a repeat is safe.
    Returns the saved provider.
    """
    with transaction.atomic():
        row = lock_provider(provider)
        check_seen(row, seen_state)
        if not permissions.can_edit(actor, row):
            raise forbidden()
        require(row.is_editable, "not_editable", NOT_EDITABLE)
        merged = {name: details.get(name, getattr(row, name)) for name in DETAIL_FIELDS}
        _check_details(merged)
        if merged["registration_number"] != row.registration_number:
            _check_unique_number(merged["registration_number"], exclude=row.pk)
        changed = [name for name in DETAIL_FIELDS if merged[name] != getattr(row, name)]
        for name in changed:
            setattr(row, name, merged[name])
        if changed:
            row.save(update_fields=[*changed, "updated_at"])
        for name in RELATED_FIELDS:
            if name in details:
                wanted = {item.pk for item in details[name]}
                if wanted != set(getattr(row, name).values_list("pk", flat=True)):
                    getattr(row, name).set(details[name])
                    changed.append(name)
        if changed:
            audit.record(row, "update", actor=actor, data={"fields": changed})
    return row


def _check_details(details):
    velayat, etrap = details.get("velayat"), details.get("etrap")
    require(
        velayat is not None and etrap is not None and etrap.velayat_id == velayat.pk,
        "etrap_mismatch",
        _("The etrap must belong to the selected velayat."),
        field="etrap",
    )


def _check_unique_number(number, exclude=None):
    taken = Provider.objects.filter(registration_number=number).exclude(pk=exclude).exists()
    require(
        not taken,
        "registration_number_taken",
        _("An organisation with this state registration number is already registered."),
        field="registration_number",
    )

"""Inviting a new evaluator from the panel page: an account, a seat and a set-password mail."""

import hashlib
import re

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _

from portal.models import Role, User
from tenders import permissions_evaluation as rules
from tenders.services.evaluation.common import evaluation_context, required_text
from tenders.services.evaluation.panel import name_member, open_panel
from workflows import audit, outbox
from workflows.errors import DomainError
from workflows.models import OutboxMessage
from workflows.outbox import Notice

EVALUATOR_INVITED = "tenders.evaluator_invited"


def panel_member_invite(*, actor, evaluation, full_name, email, role, language):
    """Name a person who may have no account yet to the panel, by name and email address.

    The tender's officer, while the panel is open (``panel_member_add``'s rules). An address
    of an active evaluator's account names that account. A new address gets an account with
    the evaluator role, no usable password and ``language``, and a mail (through the outbox,
    never held for a digest) with a link to choose a password, valid as long as a password
    reset link; the in-app notice of the appointment waits for the first login. An address
    of any other account is refused and nothing is written. The invitation is audited on the
    account (``invited``) and the seat as every nomination. Inviting the same address again
    returns the seat.
    """
    full_name = required_text(
        full_name, code="name_required", message=_("Give the person's name."), field="full_name"
    )[:200]
    email = User.objects.normalize_email(
        required_text(
            email, code="email_required", message=_("Give the email address."), field="email"
        )
    )
    if language not in dict(settings.LANGUAGES):
        raise DomainError("language", _("Choose one of the options."), field="language")
    with transaction.atomic():
        row = open_panel(actor, evaluation)
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is not None:
            if not rules.may_sit_on_panel(user):
                raise DomainError(
                    "email_taken",
                    _(
                        "This address belongs to an account without the evaluator role; "
                        "a system administrator gives roles."
                    ),
                    field="email",
                )
            return name_member(actor, row, user, role)
        user = _new_evaluator(full_name, email, language)
        seat = name_member(actor, row, user, role, channels=(OutboxMessage.Channel.IN_APP,))
        audit.record(user, "invited", actor=actor, data={"evaluation": row.pk, "member": seat.pk})
        _send_invitation(row, user)
    return seat


def _new_evaluator(full_name, email, language):
    try:
        with transaction.atomic():
            user = User(
                username=_free_username(email), email=email, full_name=full_name, language=language
            )
            user.set_unusable_password()
            user.save()
    except IntegrityError as error:
        raise DomainError(
            "email_taken", _("This address already has an account."), field="email"
        ) from error
    user.groups.add(Group.objects.get_or_create(name=Role.EVALUATOR)[0])
    return user


def _free_username(email):
    # The address's local part, kept to the characters a username may hold.
    base = re.sub(r"[^\w.@+-]", "", email.split("@")[0])[:140] or "evaluator"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}-{number}"
    return name


def _send_invitation(evaluation, user):
    token = default_token_generator.make_token(user)
    path = reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": token},
    )
    notice = Notice(
        EVALUATOR_INVITED,
        (user,),
        {
            **evaluation_context(evaluation),
            "username": user.get_username(),
            "set_password_url": f"{settings.SITE_URL}{path}",
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
        channels=(OutboxMessage.Channel.EMAIL,),
    )
    # As for password resets, the key (logged in the mail's Message-ID) carries a digest of
    # the token, never the token itself.
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    outbox.enqueue([notice], key=f"evaluator-invited:{user.pk}:{digest}")

"""Writes of the site shell: accounts that visitors open and changes owners make to them."""

import hashlib

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_otp import devices_for_user, match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from portal import permissions, signup, two_factor
from portal.models import User
from workflows import audit
from workflows.errors import ConflictError, DomainError, forbidden
from workflows.models import OutboxMessage
from workflows.outbox import Notice, enqueue
from workflows.preferences import EmailFrequency

SIGNED_UP = "signed_up"
EMAIL_CONFIRMED = "email_confirmed"
CONFIRM_EMAIL_EVENT = "accounts.confirm_email"
EXISTING_ACCOUNT_EVENT = "accounts.signup_existing_account"


def user_set_language(*, actor, user, language):
    """Save ``language`` (a code from settings.LANGUAGES) as ``user``'s portal language.

    Only the user may change their own language; unknown codes raise DomainError. Saving the
    language the user already has writes nothing, so a repeat is safe. Returns the user.
    """
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise forbidden()
    _require_language(language)
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


def user_set_email_frequency(*, actor, user, frequency):
    """Save how ``user`` wants email notifications: each as it happens, or one daily digest
    (a code of ``workflows.preferences.EmailFrequency``).

    Only the user may change it; an unknown code raises DomainError. Saving the choice the user
    already has writes nothing, so a repeat is safe. Emails already held for a digest go out
    with the next digest, or one by one once the user is back to immediate emails; in-app
    notifications are never held. Returns the user.
    """
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise forbidden()
    if frequency not in EmailFrequency.values:
        raise DomainError(
            "unknown_frequency", _("Choose one of the options."), field="email_frequency"
        )
    if user.email_frequency != frequency:
        user.email_frequency = frequency
        user.save(update_fields=["email_frequency"])
    return user


def user_sign_up(*, actor, full_name, email, username, password, language):
    """Open an account for ``email`` that stays inactive until its owner follows the mailed link.

    Only a visitor who is not signed in may sign up. What happens never shows in the answer, so
    nobody learns whether an address has an account: a new address gets an inactive account and
    a confirmation mail; an address whose account still awaits confirmation has that account
    take the new details and gets a fresh link (links mailed before a password change stop
    working); the owner of an active account is mailed, at most once a day, how to log in or
    reset the password; a deactivated account gets nothing. A username that another account
    holds, in any letter case, raises DomainError on ``username``. Creating or renewing the
    account is audited. Mails leave through the outbox after commit. Returns the created or
    renewed account, or None.
    """
    if actor is not None and actor.is_authenticated:
        raise DomainError("signed_in", _("You already have an account and are signed in."))
    _require_language(language)
    email = User.objects.normalize_email(email)
    with transaction.atomic():
        existing = User.objects.select_for_update().filter(email__iexact=email).first()
        if existing is not None and not _awaiting_confirmation(existing):
            # Hash anyway, so the time the answer takes does not tell that the address is known.
            make_password(password)
            if existing.is_active:
                _mail_existing_account(existing)
            return None
        _require_free_username(username, owner=existing)
        user = existing or User(email=email, is_active=False)
        details = (username, full_name, language)
        # The same details again (a double click) keep the password hash, and so the link.
        unchanged = existing is not None and (
            (user.username, user.full_name, user.language) == details
            and user.check_password(password)
        )
        if not unchanged:
            user.username, user.full_name, user.language = details
            user.set_password(password)
            try:
                with transaction.atomic():
                    user.save()
            except IntegrityError:
                # Another sign-up took the address or the username since the checks above.
                if User.objects.filter(email__iexact=email).exists():
                    return None
                raise _username_taken() from None
            audit.record(
                user,
                SIGNED_UP,
                actor=user,
                note="" if existing is None else "Details replaced by a new sign-up.",
                data={"language": language},
            )
        _mail_confirmation(user)
    return user


def user_resend_confirmation(*, actor, email):
    """Mail a fresh confirmation link for ``email``'s account if it awaits confirmation.

    Anyone may ask, and the answer is always the same: the owner of an active account is told
    (at most once a day) how to log in instead; other addresses get nothing. Nothing but the
    outbox is written, so a repeat only sends another link. Returns the account mailed a link,
    or None.
    """
    with transaction.atomic():
        user = User.objects.select_for_update().filter(email__iexact=email).first()
        if user is None:
            return None
        if user.is_active:
            _mail_existing_account(user)
            return None
        if not _awaiting_confirmation(user):
            return None
        _mail_confirmation(user)
    return user


def user_confirm_email(*, actor, token):
    """Activate the account a confirmation ``token`` names; return ``(user, activated_now)``.

    Starting state: inactive and awaiting confirmation. An expired, altered or superseded token
    raises DomainError (codes ``link_expired`` and ``link_invalid``), as does one for an account
    that was deactivated after it was confirmed. Following a link again once the account is
    active changes nothing and returns ``activated_now`` False, so a double click is harmless.
    The activation is audited; signing the user in is the caller's part.
    """
    user_id, fingerprint = signup.read_token(token)
    with transaction.atomic():
        user = User.objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            raise DomainError("link_invalid", signup.LINK_INVALID)
        if user.is_active:
            return user, False
        if not _awaiting_confirmation(user) or not signup.matches(user, fingerprint):
            raise DomainError("link_invalid", signup.LINK_INVALID)
        user.is_active = True
        user.save(update_fields=["is_active"])
        audit.record(
            user,
            EMAIL_CONFIRMED,
            actor=user,
            source_state="inactive",
            target_state="active",
            data={"email": user.email},
        )
    return user, True


def _require_language(language):
    if language not in dict(settings.LANGUAGES):
        raise DomainError(
            "unknown_language", _("This language is not available."), field="language"
        )


def _require_free_username(username, *, owner):
    taken = User.objects.filter(username__iexact=username)
    if owner is not None:
        taken = taken.exclude(pk=owner.pk)
    if taken.exists():
        raise _username_taken()


def _username_taken():
    return DomainError(
        "username_taken", _("This username is taken. Choose another one."), field="username"
    )


def _awaiting_confirmation(user):
    # Only an account opened by sign-up and never confirmed may be activated by a link: an
    # account that an administrator deactivated, or created inactive, stays closed.
    if user.is_active:
        return False
    actions = set(
        audit.history(user)
        .filter(action__in=(SIGNED_UP, EMAIL_CONFIRMED))
        .values_list("action", flat=True)
    )
    return actions == {SIGNED_UP}


def _mail_confirmation(user):
    token = signup.make_token(user)
    path = reverse("signup_confirm", kwargs={"token": token})
    notice = Notice(
        event=CONFIRM_EMAIL_EVENT,
        recipients=(user,),
        context={
            "username": user.get_username(),
            "confirm_url": f"{settings.SITE_URL}{path}",
            "valid_days": signup.VALID_DAYS,
        },
        channels=(OutboxMessage.Channel.EMAIL,),
        include_inactive=True,
    )
    # The key becomes the mail's Message-ID, which mail servers log: a digest, not the token.
    digest = hashlib.sha256(token.encode()).hexdigest()[:32]
    enqueue([notice], key=f"signup-confirm:{user.pk}:{digest}")


def _mail_existing_account(user):
    notice = Notice(
        event=EXISTING_ACCOUNT_EVENT,
        recipients=(user,),
        context={
            "username": user.get_username(),
            "login_url": f"{settings.SITE_URL}{reverse('login')}",
            "reset_url": f"{settings.SITE_URL}{reverse('password_reset')}",
        },
        channels=(OutboxMessage.Channel.EMAIL,),
    )
    # One such mail a day at most, however often someone signs up with the address.
    enqueue([notice], key=f"signup-existing:{user.pk}:{timezone.localdate().isoformat()}")


SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
SECOND_FACTOR_RESET = "second_factor_reset"


def user_prepare_authenticator(*, actor, user):
    """Return ``user``'s authenticator app device awaiting its first code, creating one with a
    fresh secret the first time. A repeat returns the same device (a reload of the enrolment
    page shows the same secret). Nothing is enabled or audited until the code is confirmed."""
    if actor.pk != user.pk:
        raise forbidden()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
        if device is None:
            device = TOTPDevice.objects.create(
                user=user, name=two_factor.APP_DEVICE_NAME, confirmed=False
            )
    return device


def user_enrol_authenticator(*, actor, user, code):
    """Turn on two-factor sign-in for ``user`` with the device from ``user_prepare_authenticator``
    once ``code`` is the app's current code; return ``(device, backup_codes)``.

    A wrong code raises DomainError ``wrong_code`` and enables nothing (it counts towards the
    device's throttle). On success the device is confirmed, any earlier backup codes are
    replaced by ten new ones (returned to be shown this once; django-otp keeps them as typed,
    each good for one sign-in) and the enrolment is audited. Only the user may enrol.
    """
    if actor.pk != user.pk:
        raise forbidden()
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None or not device.verify_token(code):
        raise DomainError("wrong_code", two_factor.WRONG_CODE, field="code")
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = _new_backup_codes(user)
        audit.record(user, SECOND_FACTOR_ENROLLED, actor=actor, data={"device": device.name})
    return device, codes


def user_reset_second_factor(*, actor, user):
    """Remove every two-factor device of ``user`` (a lost phone): their next sign-in asks them
    to enrol again if they are staff. Only a system administrator may; audited. A user without
    devices is left as is and nothing is recorded, so a repeat is harmless. Returns how many
    devices were removed."""
    if not permissions.is_system_admin(actor):
        raise forbidden()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        names = [device.name for device in devices_for_user(user, confirmed=None)]
        if not names:
            return 0
        _remove_devices(user)
        audit.record(user, SECOND_FACTOR_RESET, actor=actor, data={"devices": sorted(names)})
    return len(names)


BACKUP_CODES_REPLACED = "backup_codes_replaced"
SECOND_FACTOR_TURNED_OFF = "second_factor_turned_off"


def backup_codes_version(user):
    """Which set of backup codes ``user`` has now (its device's id, "" for none): the form that
    replaces them carries it, so a stale form or a second submit is told apart."""
    backup = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").last()
    return str(backup.pk) if backup else ""


def user_replace_backup_codes(*, actor, user, seen):
    """Give ``user`` ten new backup codes and return them (shown this once); the old ones stop
    working at once. Only the user may, and only with an authenticator app set up. ``seen`` is
    the ``backup_codes_version`` the form was made with: when the codes were replaced since (a
    double submit, another tab), ConflictError and nothing changes. Audited."""
    if actor.pk != user.pk:
        raise forbidden()
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            raise DomainError(
                "no_authenticator", _("Set up an authenticator app before making backup codes.")
            )
        if seen != backup_codes_version(user):
            raise ConflictError()
        codes = _new_backup_codes(user)
        audit.record(user, BACKUP_CODES_REPLACED, actor=actor)
    return codes


def user_turn_off_second_factor(*, actor, user, password, code):
    """Turn off ``user``'s two-factor sign-in: remove their app, backup codes and passkeys.

    Only the user may, and not staff, who must keep it (``second_factor_required``). Needs a
    current code from the app or an unused backup code (``wrong_code``, which counts towards
    the app's throttle) and then the account's password (``wrong_password``; the code given is
    used up); a refusal removes nothing.
    Audited with the devices removed. Already off: nothing happens (a repeat is harmless) and
    False is returned; True when this call turned it off.
    """
    if actor.pk != user.pk:
        raise forbidden()
    if two_factor.required_for(user):
        raise DomainError(
            "second_factor_required", _("Two-factor sign-in is required for staff accounts.")
        )
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        names = sorted(device.name for device in devices_for_user(user, confirmed=True))
    if not names:
        return False
    # The code first: django-otp's throttle then keeps the form from testing passwords quickly.
    if match_token(user, code or "") is None:
        raise DomainError("wrong_code", two_factor.WRONG_CODE, field="code")
    if not user.check_password(password or ""):
        raise DomainError(
            "wrong_password", _("Your password was not entered right."), field="password"
        )
    with transaction.atomic():
        User.objects.select_for_update().get(pk=user.pk)
        _remove_devices(user)
        audit.record(user, SECOND_FACTOR_TURNED_OFF, actor=actor, data={"devices": names})
    return True


def _new_backup_codes(user):
    StaticDevice.objects.filter(user=user).delete()
    backup = StaticDevice.objects.create(user=user, name=two_factor.BACKUP_DEVICE_NAME)
    codes = [StaticToken.random_token() for _ in range(two_factor.BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=backup, token=code) for code in codes])
    return codes


def _remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    WebAuthnCredential.objects.filter(user=user).delete()

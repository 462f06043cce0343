"""Views of the site shell: home pages, language switch, notification settings, sign-up and
health report."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordResetView
from django.http import JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST
from django.views.i18n import set_language
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential

from portal import health as health_checks
from portal import homes, throttling
from portal import signup as signup_links
from portal import two_factor as two_factor_support
from portal.forms import (
    BackupCodesForm,
    EmailFrequencyForm,
    OutboxPasswordResetForm,
    ResendConfirmationForm,
    SecondFactorCodeForm,
    SignUpForm,
    TurnOffSecondFactorForm,
)
from portal.services import (
    backup_codes_version,
    user_confirm_email,
    user_enrol_authenticator,
    user_prepare_authenticator,
    user_replace_backup_codes,
    user_resend_confirmation,
    user_set_email_frequency,
    user_set_language,
    user_sign_up,
    user_turn_off_second_factor,
)
from workflows.errors import ConflictError, DomainError

log = logging.getLogger(__name__)

BACKUP_CODES_CHANGED = _(
    "Your backup codes were replaced a moment ago, so nothing was changed now. If you did not "
    "see the new codes, make new ones again."
)


def home(request):
    """The public page for visitors; a signed-in user's own home, one section per role held."""
    if not request.user.is_authenticated:
        return render(request, "portal/home.html")
    sections = homes.sections_for(request.user, now=timezone.now())
    return render(request, "portal/home_user.html", {"sections": sections})


@login_required
def notification_settings(request):
    """Choose between each email as it happens and one daily summary email."""
    form = EmailFrequencyForm(
        request.POST or None, initial={"email_frequency": request.user.email_frequency}
    )
    if request.method == "POST" and form.is_valid():
        try:
            user_set_email_frequency(
                actor=request.user,
                user=request.user,
                frequency=form.cleaned_data["email_frequency"],
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("notification_settings")
    context = {"form": form, "digest_hour": settings.WORKFLOWS_DIGEST_HOUR}
    return render(request, "portal/notification_settings.html", context)


@require_POST
def switch_language(request):
    """Save the chosen language on the account of a signed-in user, then let Django's
    ``set_language`` set the language cookie and redirect back to a safe ``next`` page."""
    if request.user.is_authenticated:
        try:
            user_set_language(
                actor=request.user, user=request.user, language=request.POST.get("language", "")
            )
        except DomainError as error:
            messages.error(request, error.message)
    return set_language(request)


@never_cache
def health(request):
    """200 when the database, the broker and file storage all answer, else 503 naming the part
    that failed; "degraded" (still 200) with what is late when a sweep missed its schedule or
    work is stuck. Error details are shown only in debug mode; they are always logged."""
    report = health_checks.check_all()
    status, late = health_checks.status_of(report)
    for part, result in report.items():
        if not result["ok"]:
            log.warning("Health check %s failed: %s", part, result["error"])
            if not settings.DEBUG:
                result.pop("error")
    if late:
        log.warning("Health degraded, late: %s", late)
    body = {"status": status, **report, **({"late": late} if late else {})}
    return JsonResponse(body, status=503 if status == "down" else 200)


@sensitive_post_parameters("password1", "password2")
@never_cache
def signup(request):
    """Open an account; every valid form leads to the same "check your mailbox" page."""
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttling.too_many(request, "sign-up", throttling.SIGN_UP_RATES):
            form.add_error(None, throttling.TOO_MANY_REQUESTS)
            return render(request, "registration/signup_form.html", {"form": form}, status=429)
        try:
            user_sign_up(actor=request.user, **form.account_details())
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            return redirect("signup_sent")
    return render(request, "registration/signup_form.html", {"form": form})


def signup_sent(request):
    return render(request, "registration/signup_sent.html", {"valid_days": signup_links.VALID_DAYS})


@never_cache
def signup_resend(request):
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttling.too_many(request, "sign-up", throttling.SIGN_UP_RATES):
            form.add_error(None, throttling.TOO_MANY_REQUESTS)
            return render(request, "registration/signup_resend.html", {"form": form}, status=429)
        user_resend_confirmation(actor=request.user, email=form.cleaned_data["email"])
        return redirect("signup_sent")
    return render(request, "registration/signup_resend.html", {"form": form})


@never_cache
def signup_confirm(request, token):
    """Follow the mailed link: the first time it opens the account and signs its owner in."""
    try:
        user, activated_now = user_confirm_email(actor=request.user, token=token)
    except DomainError as error:
        context = {"message": error.message, "form": ResendConfirmationForm()}
        return render(request, "registration/signup_confirm_failed.html", context, status=400)
    next_page = reverse("providers:register")
    if activated_now:
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        # Signed in now: the message and the next page speak the account's language, not the
        # one of the browser the mail was opened in.
        translation.activate(user.language)
        request.LANGUAGE_CODE = translation.get_language()
        messages.success(
            request,
            _(
                "Your email address is confirmed and you are signed in. "
                "Now register your organisation."
            ),
        )
        return redirect(next_page)
    messages.info(request, _("Your email address is already confirmed."))
    if request.user.pk == user.pk:
        return redirect(next_page)
    return redirect(f"{reverse('login')}?{urlencode({'next': next_page})}")


class ThrottledPasswordResetView(PasswordResetView):
    """Django's password reset, refused (with nothing mailed) after a few requests an hour from
    one address or for one email address, whether an account has that address or not."""

    form_class = OutboxPasswordResetForm

    def form_valid(self, form):
        if throttling.too_many(self.request, "password-reset", throttling.PASSWORD_RESET_RATES):
            form.add_error(None, throttling.TOO_MANY_REQUESTS)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)


def _next_page(request):
    """The page to go on to after the second step: the asked-for one if it is on this site."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else resolve_url(settings.LOGIN_REDIRECT_URL)


@never_cache
@login_required
def two_factor(request, turn_off_form=None):
    """The account's two-factor sign-in: whether it is on, how many backup codes are left, a
    button for new ones and, where it is not required, the form that turns it off."""
    user = request.user
    backup = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").last()
    context = {
        "enabled": two_factor_support.has_second_factor(user),
        "has_app": TOTPDevice.objects.filter(user=user, confirmed=True).exists(),
        "required": two_factor_support.required_for(user),
        "backup_codes_left": backup.token_set.count() if backup else 0,
        "passkeys": WebAuthnCredential.objects.filter(user=user, confirmed=True).count(),
        "backup_form": BackupCodesForm(initial={"seen": backup_codes_version(user)}),
        "turn_off_form": turn_off_form or TurnOffSecondFactorForm(),
    }
    return render(request, "registration/two_factor.html", context)


@never_cache
@login_required
@require_POST
def two_factor_backup_codes(request):
    """Replace the backup codes and show the new ones once; a stale form changes nothing."""
    form = BackupCodesForm(request.POST)
    if form.is_valid():
        try:
            codes = user_replace_backup_codes(
                actor=request.user, user=request.user, seen=form.cleaned_data["seen"]
            )
        except ConflictError:
            messages.error(request, BACKUP_CODES_CHANGED)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            context = {"codes": codes, "next": reverse("two_factor")}
            return render(request, "registration/two_factor_backup_codes.html", context)
    return redirect("two_factor")


@sensitive_post_parameters("password", "code")
@never_cache
@login_required
@require_POST
def two_factor_turn_off(request):
    """Turn two-factor sign-in off with the password and a current code (not for staff)."""
    form = TurnOffSecondFactorForm(request.POST)
    if form.is_valid():
        try:
            turned_off = user_turn_off_second_factor(
                actor=request.user, user=request.user, **form.cleaned_data
            )
        except DomainError as error:
            if error.field is None:
                messages.error(request, error.message)
                return redirect("two_factor")
            form.add_error(error.field, error.message)
        else:
            if turned_off:
                messages.success(request, _("Two-factor sign-in is off."))
            return redirect("two_factor")
    return two_factor(request, turn_off_form=form)


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_enrol(request):
    """Set up an authenticator app: show its secret (text, QR code and address), take its first
    code, then show the backup codes once. An account that has one already is sent back."""
    if two_factor_support.has_second_factor(request.user):
        return redirect("two_factor")
    device = user_prepare_authenticator(actor=request.user, user=request.user)
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = user_enrol_authenticator(
                actor=request.user, user=request.user, code=form.cleaned_data["code"]
            )
        except DomainError as error:
            form.add_error(error.field, error.message)
        else:
            otp_login(request, device)
            context = {"codes": codes, "next": _next_page(request)}
            return render(request, "registration/two_factor_backup_codes.html", context)
    context = {
        "form": form,
        "secret": two_factor_support.secret_of(device),
        "qr_code": two_factor_support.qr_code_svg(device),
        "address": device.config_url,
        "next": request.POST.get("next") or request.GET.get("next", ""),
    }
    return render(request, "registration/two_factor_enrol.html", context)


@sensitive_post_parameters("code")
@never_cache
@login_required
def two_factor_verify(request):
    """The second step of signing in: a code from the app, a backup code (used up), or a
    passkey where the account has one."""
    if request.user.is_verified() or not two_factor_support.has_second_factor(request.user):
        return redirect(_next_page(request))
    form = SecondFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next_page(request))
        form.add_error("code", two_factor_support.WRONG_CODE)
    context = {
        "form": form,
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "has_passkey": WebAuthnCredential.objects.filter(
            user=request.user, confirmed=True
        ).exists(),
    }
    return render(request, "registration/two_factor_verify.html", context)

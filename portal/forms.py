"""Forms of the site shell: signing up, and password reset through the notification outbox."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm, SetPasswordMixin
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from portal.form_fields import LineField
from portal.models import TokenScope, User
from workflows.models import OutboxMessage
from workflows.outbox import Notice, enqueue
from workflows.preferences import EmailFrequency

PASSWORD_RESET_EVENT = "accounts.password_reset"


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's password reset form whose mail leaves through the outbox, like every other mail.

    The web request only writes the outbox row; a worker renders and sends it in the user's
    language. An address that matches no active user sends nothing and looks the same.
    """

    def save(self, *args, **kwargs):
        with transaction.atomic():
            super().save(*args, **kwargs)

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        user, token = context["user"], context["token"]
        path = reverse("password_reset_confirm", kwargs={"uidb64": context["uid"], "token": token})
        notice = Notice(
            event=PASSWORD_RESET_EVENT,
            recipients=(user,),
            context={
                "username": user.get_username(),
                "reset_url": f"{settings.SITE_URL}{path}",
                "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            },
            channels=(OutboxMessage.Channel.EMAIL,),
        )
        # The key ends up in the mail's Message-ID, which mail servers log: it carries a digest
        # of the token, never the token itself.
        digest = hashlib.sha256(token.encode()).hexdigest()[:32]
        enqueue([notice], key=f"password-reset:{user.pk}:{digest}")


class SignUpForm(SetPasswordMixin, forms.Form):
    """A new account's details. Whether the address or the username is free is the service's
    question: the form never says that an address has an account."""

    full_name = LineField(label=_("Full name"), max_length=200)
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        help_text=_("We send a link to this address; the account opens when you follow it."),
    )
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[User.username_validator],
        help_text=_("You log in with it. Letters, digits and @ . + - _ only."),
    )
    password1, password2 = SetPasswordMixin.create_password_fields()
    language = forms.ChoiceField(
        label=_("Language of the portal and of its emails"), choices=settings.LANGUAGES
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = translation.get_language()
        codes = dict(settings.LANGUAGES)
        self.fields["language"].initial = current if current in codes else settings.LANGUAGE_CODE
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["username"].widget.attrs["autocomplete"] = "username"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"

    def clean(self):
        cleaned = super().clean()
        self.validate_passwords()
        # The rules see the new account, so a password like its username or address is refused.
        candidate = User(
            username=cleaned.get("username", ""),
            email=cleaned.get("email", ""),
            full_name=cleaned.get("full_name", ""),
        )
        self.validate_password_for_user(candidate, password_field_name="password1")
        return cleaned

    def account_details(self):
        data = self.cleaned_data
        return {
            "full_name": data["full_name"],
            "email": data["email"],
            "username": data["username"],
            "password": data["password1"],
            "language": data["language"],
        }


class ResendConfirmationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class EmailFrequencyForm(forms.Form):
    email_frequency = forms.ChoiceField(
        label=_("How should emails about your work in the portal reach you?"),
        choices=EmailFrequency.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "In-app notifications always arrive at once. Emails that let you log in, such as "
            "password reset links, are always sent at once."
        ),
    )


class ApiTokenForm(forms.Form):
    name = LineField(
        label=_("Name"),
        max_length=100,
        help_text=_("What the token is for, such as the program that uses it."),
    )
    scope = forms.ChoiceField(
        label=_("What it may do"), choices=TokenScope.choices, widget=forms.RadioSelect
    )


class SecondFactorCodeForm(forms.Form):
    """The code of the second step of signing in, or of setting up an authenticator app."""

    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        help_text=_("Six digits from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").lower()


class BackupCodesForm(forms.Form):
    """Make new backup codes; ``seen`` names the set the page showed."""

    seen = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)


class TurnOffSecondFactorForm(forms.Form):
    """Turn off two-factor sign-in, confirmed with the password and a current code."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    code = forms.CharField(
        label=_("Code"),
        max_length=16,
        strip=True,
        help_text=_("Six digits from your authenticator app, or one of your backup codes."),
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean_code(self):
        return self.cleaned_data["code"].replace(" ", "").lower()

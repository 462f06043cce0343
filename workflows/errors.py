"""The one domain error type that services raise and views and the API translate."""

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """A refused action: ``code`` for programs, ``message`` (translatable) for people."""

    def __init__(self, code, message, *, field=None):
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.field = field


class ConflictError(DomainError):
    """Someone else changed the object since the user loaded it."""

    def __init__(self):
        super().__init__(
            "conflict", _("This item was changed by someone else; reload the page and try again.")
        )


def _interpolate(message, values):
    return str(message) % {name: str(value) for name, value in values.items()}


# Filled in when shown, so the message and the state label follow the reader's language.
interpolate_lazy = lazy(_interpolate, str)


def not_allowed(state_label):
    return DomainError(
        "not_allowed",
        interpolate_lazy(
            _("This action is not possible while the item is %(state)s."), {"state": state_label}
        ),
    )


def forbidden():
    return DomainError("forbidden", _("You may not do this."))

"""The one domain error type that services raise and views and the API translate."""

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


def not_allowed(state_label):
    return DomainError(
        "not_allowed",
        _("This action is not possible while the item is %(state)s.") % {"state": state_label},
    )


def forbidden():
    return DomainError("forbidden", _("You may not do this."))

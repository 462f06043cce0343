"""Writes of the site shell: changes to an account that the portal makes for its owner."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from workflows.errors import DomainError, forbidden


def user_set_language(*, actor, user, language):
    """Save ``language`` (a code from settings.LANGUAGES) as ``user``'s portal language.

    Only the user may change their own language; unknown codes raise DomainError. Saving the
    language the user already has writes nothing, so a repeat is safe. Returns the user.
    """
    if actor is None or not actor.is_authenticated or actor.pk != user.pk:
        raise forbidden()
    if language not in dict(settings.LANGUAGES):
        raise DomainError(
            "unknown_language", _("This language is not available."), field="language"
        )
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user

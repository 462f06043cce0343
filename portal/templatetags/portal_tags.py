"""Template helpers of the site shell."""

from django import template
from django.urls import NoReverseMatch, reverse

from portal import formatting, permissions

register = template.Library()


@register.simple_tag
def url_or(name, fallback, *args):
    """The URL named ``name``, or ``fallback`` while the app that owns the name has no such
    page yet, so the shared navigation never breaks a page."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


@register.filter
def is_staff_member(user):
    return permissions.is_staff_member(user)


@register.filter
def is_system_admin(user):
    return permissions.can_use_admin_site(user)


@register.filter
def count(value):
    """A count grouped as the active language does: ``2 218``; "—" when not given."""
    return "—" if value in (None, "") else formatting.whole(value)


@register.filter
def percent(value):
    """A percentage with one decimal in the active language: ``48,8``; "—" when not given."""
    return "—" if value in (None, "") else formatting.share(value)

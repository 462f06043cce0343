"""Template helpers of the grant pages and notifications."""

from django import template

from grants.models import ReportSection
from portal import formatting

register = template.Library()


@register.filter
def day(value):
    """A date (or ISO date string) as ``15 March 2026`` in the active language."""
    return formatting.day(value)


@register.filter
def tmt(value):
    """An amount (or its string) with two decimals, grouped as the active language does."""
    if value in (None, ""):
        return ""
    return formatting.money(value)


@register.filter
def section_label(code):
    """The name of a report section, in the active language."""
    return ReportSection(code).label if code in ReportSection.values else code


@register.filter
def get(mapping, key):
    """``mapping[key]`` in a template, or None."""
    return mapping.get(key) if mapping else None

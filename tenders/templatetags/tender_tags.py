"""Template helpers for tenders: Ashgabat times, texts in the reader's language, amendments."""

from django import template
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal import formatting
from tenders.localtime import format_moment
from tenders.models import Tender

register = template.Library()

MOMENT_FIELDS = {"questions_deadline", "submission_deadline"}
DAY_FIELDS = {"grant_start", "grant_end"}


@register.filter
def ashgabat(moment):
    """A date and time in Ashgabat, naming the time zone: ``15 March 2026 18:00 (Ashgabat
    time, UTC+05:00)``. Accepts an aware datetime or ISO text."""
    return format_moment(moment)


@register.filter
def local_day(day):
    return formatting.day(day)


@register.filter
def tmt(amount):
    """An amount in manats as the active language writes it, ``1,250,000.00 TMT``."""
    if amount in (None, ""):
        return ""
    return f"{formatting.money(amount)} TMT"


@register.filter
def in_language(texts):
    """From ``{"tk": ..., "ru": ..., "en": ...}``, the text in the active language or the
    first one present."""
    language = (get_language() or "en")[:2]
    for code in (language, "ru", "tk", "en"):
        if texts.get(code):
            return texts[code]
    return ""


@register.filter
def amendment_rows(amendment):
    """What an amendment changed, for people: ``(label, old, new, is_long_text)`` rows."""
    rows = []
    for name, change in amendment.changes.items():
        if name in ("documents_added", "documents_withdrawn"):
            continue
        label = Tender._meta.get_field(name).verbose_name
        rows.append(
            (
                label,
                _display(name, change["old"]),
                _display(name, change["new"]),
                "description" in name,
            )
        )
    if amendment.changes.get("documents_added"):
        rows.append(
            (_("documents added"), "", ", ".join(amendment.changes["documents_added"]), False)
        )
    if amendment.changes.get("documents_withdrawn"):
        rows.append(
            (
                _("documents withdrawn"),
                ", ".join(amendment.changes["documents_withdrawn"]),
                "",
                False,
            )
        )
    return rows


def _display(name, value):
    if value in (None, ""):
        return "—"
    if name in MOMENT_FIELDS:
        return format_moment(value)
    if name in DAY_FIELDS:
        return formatting.day(value)
    if name == "budget_ceiling":
        return tmt(value)
    return value


@register.filter
def pick(form, names):
    """The bound fields of ``form`` named in the comma-separated ``names``, in that order."""
    return [form[name] for name in names.split(",") if name in form.fields]

"""Tender deadlines are set, shown and judged in Ashgabat time, whatever the viewer's settings."""

from zoneinfo import ZoneInfo

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

ASHGABAT = ZoneInfo("Asia/Ashgabat")


def local(moment):
    """``moment`` (aware datetime or ISO text) as an Ashgabat wall-clock datetime, or None."""
    if isinstance(moment, str):
        moment = parse_datetime(moment)
    if moment is None:
        return None
    return timezone.localtime(moment, ASHGABAT)


def make_aware(naive):
    """Read a wall-clock datetime typed by an officer as Ashgabat time."""
    return timezone.make_aware(naive, ASHGABAT)


def format_moment(moment):
    """``"15 March 2026 18:00 (Ashgabat time, UTC+05:00)"`` in the active language; "" for None."""
    moment = local(moment)
    if moment is None:
        return ""
    offset = moment.strftime("%z")
    return gettext("%(moment)s (Ashgabat time, UTC%(offset)s)") % {
        "moment": formats.date_format(moment, "j E Y H:i"),
        "offset": f"{offset[:3]}:{offset[3:]}",
    }

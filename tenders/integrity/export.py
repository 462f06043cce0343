"""The indicators as CSV: one row per flagged tender, and a row for an indicator that flags
none, each with the indicator's counts."""

import csv
import io

from django.utils.translation import gettext as _

from tenders.opendata.common import absolute


def rows(indicators):
    yield [
        _("Indicator"),
        _("Considered"),
        _("Flagged"),
        _("Share (%)"),
        _("Tender"),
        _("Title"),
        _("What was seen"),
        _("Address"),
    ]
    for indicator in indicators:
        counts = [
            str(indicator.title),
            indicator.considered,
            indicator.flagged,
            "" if indicator.share is None else indicator.share,
        ]
        if not indicator.flags:
            yield [*counts, "", "", "", ""]
        for flag in indicator.flags:
            tender = flag.tender
            yield [
                *counts,
                tender.reference,
                tender.title,
                flag.detail,
                absolute(tender.get_absolute_url()),
            ]


def csv_text(indicators):
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows(indicators))
    return buffer.getvalue()

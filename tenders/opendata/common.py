"""What every release shares: its OCID and id, dates, amounts, texts in three languages, and
writing it."""

import datetime

from django.conf import settings
from django.utils import translation

from tenders.localtime import ASHGABAT
from tenders.models import Release

# The release's own language; Turkmen and Russian texts are its language variants (``title_tk``).
LANGUAGE = "en"
VARIANTS = ("tk", "ru")


def ocid(tender):
    """The tender's Open Contracting ID: the publisher's prefix and the tender's reference."""
    return f"{settings.OCDS_PREFIX}-{tender.reference}"


def moment(value):
    """An aware datetime as OCDS writes it, in UTC to the second (so that releases sort by their
    date as text, the way compiling a record sorts them)."""
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def day_start(day):
    """The first moment of ``day`` in Ashgabat."""
    return moment(datetime.datetime.combine(day, datetime.time.min, tzinfo=ASHGABAT))


def day_end(day):
    """The last second of ``day`` in Ashgabat."""
    return moment(datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=ASHGABAT))


def money(amount):
    return {"amount": float(amount), "currency": settings.CURRENCY}


def texts(key, english="", **variants):
    """``key`` in English with its variants (``key_tk``, ``key_ru``), leaving out empty ones."""
    values = {key: english, **{f"{key}_{code}": variants.get(code, "") for code in VARIANTS}}
    return {name: value for name, value in values.items() if value}


def field_texts(obj, prefix, key=None):
    """The model's ``<prefix>_en``, ``_tk`` and ``_ru`` fields as ``key`` and its variants."""
    return texts(
        key or prefix,
        getattr(obj, f"{prefix}_en", ""),
        **{code: getattr(obj, f"{prefix}_{code}", "") for code in VARIANTS},
    )


def translated(key, message):
    """A translatable ``message`` (lazy, or a callable of no arguments) in each language."""
    values = {}
    for code in (LANGUAGE, *VARIANTS):
        with translation.override(code):
            values[code] = str(message() if callable(message) else message)
    return texts(key, values[LANGUAGE], **values)


def absolute(path):
    """A path of the portal as an absolute URL."""
    return f"{settings.SITE_URL}{path}"


def publish(tender, entry, tag, sections):
    """Write the release of the event ``entry`` (an audit entry) in ``tender``'s process, tagged
    ``tag``, with the top-level ``sections`` given (``tender``, ``awards``...), and return it.

    The release id is the OCID and the audit entry's number, so it is unique, and its date is
    the moment the event was recorded.
    """
    process = ocid(tender)
    release_id = f"{process}-{entry.pk}"
    date = entry.created_at
    data = {
        "ocid": process,
        "id": release_id,
        "date": moment(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": LANGUAGE,
        **sections,
    }
    return Release.objects.create(
        ocid=process, release_id=release_id, date=date, tags=[tag], data=data
    )

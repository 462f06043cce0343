"""Hostile input for a form field: what a careless, confused or malicious user can send.

Values are strings (or uploaded files), as they arrive in ``request.POST``; a field's strategy
is built from its HTML input (type, current value, options) and, where the view's form class
has a field of that name, from the field itself through ``hypothesis.extra.django.from_field``.
"""

import datetime
from decimal import Decimal

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from hypothesis import strategies as st
from hypothesis.errors import HypothesisException
from hypothesis.extra.django import from_field

# The corpus every field gets some of.
NASTY = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\x1b[31mred\x1b[0m",
    "\u202eevil\u202c",  # right-to-left override
    "\u200b\u200d\ufeff",  # zero-width characters and a byte-order mark
    "e\u0301\u0301\u0301",  # combining accents
    "👩‍👩‍👧‍👦🇹🇲",
    "Türkmenistan Туркменистан",
    "<script>alert(1)</script>",
    "'; DROP TABLE tenders_tender; --",
    "{{ 7*7 }}%(name)s{0}",
    "../../etc/passwd",
    "null",
    "None",
    "true",
    "[]",
    "{}",
]
NUMBERS = [
    "0",
    "-1",
    "-0",
    "1.5",
    "1,5",
    "1e309",
    "-1e309",
    "1E5",
    "NaN",
    "Infinity",
    "-Infinity",
    "0x10",
    "١٢٣",  # Arabic-Indic digits
    "  7  ",
    "12 345",
    str(2**31),
    str(2**63),
    str(10**30),
    str(-(10**30)),
    "9" * 400,
    "0." + "0" * 300 + "1",
]
DATES = [
    "2026-02-30",
    "2026-13-01",
    "0000-00-00",
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "-0001-01-01",
    "31.12.2026",
    "12/31/2026",
    "2026-01-01T25:61",
    "2026-01-01 00:00:00+99:00",
    "yesterday",
]

hostile_text = st.one_of(
    st.sampled_from(NASTY + NUMBERS + DATES),
    st.text(max_size=40),
    st.text(st.characters(categories=["Cc", "Cf", "Mn", "So", "Zl", "Zp"]), max_size=20),
    st.builds(
        lambda piece, times: piece * times,
        st.sampled_from(["a", "ş", "ы", "\u0301", "😀", "\x00", "1", " "]),
        st.integers(300, 20_000),
    ),
)
numbers = st.one_of(
    st.sampled_from(NUMBERS),
    st.integers(-(10**40), 10**40).map(str),
    st.integers(-1000, 100_000).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.floats().map(repr),
)
dates = st.one_of(
    st.sampled_from(DATES),
    st.dates().map(datetime.date.isoformat),
    st.datetimes().map(lambda moment: moment.isoformat(sep=" ")),
)
# Ids of objects that may exist but belong to someone else, and ids that cannot exist.
ids = st.one_of(st.integers(1, 120).map(str), st.integers(-5, 2**63).map(str))


def upload():
    """A small file with a generated name, content type and content."""
    return st.builds(
        SimpleUploadedFile,
        name=st.one_of(
            st.sampled_from(["plan.pdf", "a.docx", "x.exe", ".pdf", "a" * 300 + ".pdf"]),
            st.text(st.characters(blacklist_characters="\x00/\\"), min_size=1, max_size=60),
        ),
        content=st.one_of(
            st.binary(max_size=2048),
            st.just(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"),
        ),
        content_type=st.sampled_from(
            ["application/pdf", "application/octet-stream", "text/plain", "image/png", ""]
        ),
    )


def as_post_value(value):
    """A form field's Python value as the string a browser would send for it."""
    if isinstance(value, Model):
        return str(value.pk)
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, Decimal | int | float):
        return str(value)
    return value if isinstance(value, str | SimpleUploadedFile) else str(value)


def from_form_field(field):
    """Valid values of a form class's field (as POST strings), or ``None`` when hypothesis
    cannot build them without the form's runtime arguments."""
    try:
        strategy = from_field(field)
        # Resolve now, so a field hypothesis cannot handle is found here, not mid-example.
        strategy.validate()
    except (HypothesisException, TypeError, ValueError, AttributeError):
        return None
    return strategy.map(
        lambda value: (
            [as_post_value(item) for item in value]
            if isinstance(value, list | tuple | set)
            else as_post_value(value)
        )
    )


def typed(item, field):
    """Values of the field's own type: its options, numbers, dates, the form class's values."""
    choices = []
    if item is not None:
        if item.kind in ("select", "radio", "checkbox"):
            choices.append(st.sampled_from([value for value, _selected in item.options] or [""]))
        if item.kind == "number" or _is(field, forms.IntegerField, forms.DecimalField):
            choices.append(numbers)
        if item.kind in ("date", "datetime-local") or _is(
            field, forms.DateField, forms.DateTimeField
        ):
            choices.append(dates)
        if item.value:
            choices.append(st.just(item.value))
    if _is(field, forms.ModelChoiceField, forms.ChoiceField):
        choices.append(ids)
    valid = from_form_field(field) if field is not None else None
    if valid is not None:
        choices.append(valid)
    return st.one_of(choices) if choices else hostile_text


def _is(field, *kinds):
    return field is not None and isinstance(field, kinds)


def field_value(item, field):
    """What one field sends: a value of its own type, a hostile string, or the wrong type."""
    if (item is not None and item.kind == "file") or _is(field, forms.FileField):
        return st.one_of(upload(), hostile_text)
    if (item is not None and item.kind == "number") or _is(
        field, forms.IntegerField, forms.DecimalField, forms.FloatField
    ):
        return st.one_of(numbers, numbers, typed(item, field), hostile_text)
    return st.one_of(typed(item, field), typed(item, field), hostile_text, numbers, dates, ids)


@st.composite
def post_data(draw, form, fields):
    """A whole POST body for ``form`` (a parsed page form, or ``None``) whose view uses the
    form-class ``fields`` (``{name: field}``).

    Mostly the form as the page shows it with one to three fields changed, dropped or sent
    twice, so the generated value gets past the other fields' validation to the code behind
    them; sometimes every field at once. A few names nobody expects are added."""
    current = form.current() if form is not None else {}
    inputs = form.inputs if form is not None else {}
    names = sorted(set(inputs) | set(fields))
    if names and draw(st.integers(0, 3)):
        touched = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=3)))
    else:
        touched = set(names)
    data = {name: values for name, values in current.items() if name not in touched}
    for name in sorted(touched):
        item = inputs.get(name)
        field = fields.get(name) or fields.get(name.rsplit("-", 1)[-1])
        how = draw(st.sampled_from(["keep", "change", "change", "drop", "twice"]))
        if how == "keep" and name in current:
            data[name] = current[name]
        elif how == "twice":
            data[name] = [draw(field_value(item, field)) for _ in range(2)]
        elif how != "drop":
            value = draw(field_value(item, field))
            data[name] = value if isinstance(value, list) else [value]
    extra = draw(st.dictionaries(st.text(max_size=30), hostile_text, max_size=2))
    for name, value in extra.items():
        data.setdefault(name, [value])
    return data

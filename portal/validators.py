"""The bounds every number, date and text users type must keep, shared by models and forms.

Model fields carry these validators, so ModelForms and the admin refuse out-of-range values as
field errors; plain form fields use the same constants as ``min_value``/``max_value``. Every
maximum fits its database column on SQLite and PostgreSQL.
"""

import re
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# Money in TMT: above 0 and at most a billion, within a DecimalField(max_digits=14,
# decimal_places=2), whose largest value is 999 999 999 999.99.
MIN_AMOUNT = Decimal("0.01")
MAX_AMOUNT = Decimal("1000000000.00")
# People, cases, services and staff counted in one record: far above any real figure and far
# below a PostgreSQL integer's 2 147 483 647.
MAX_COUNT = 1_000_000
MAX_PERCENT = 100
# The largest value of a PostgreSQL integer column (versions, counters).
MAX_INTEGER = 2_147_483_647
# Staff a tender may require to hold in-service training.
MAX_STAFF = 1000
# Awards one tender may plan.
MAX_AWARDS = 50
# Points of one evaluation criterion (a Score holds at most 999.9).
MAX_CRITERION_POINTS = 100
# Reports and tranches of one agreement are numbered 1..MAX_PERIODS (monthly over 10 years).
MAX_PERIODS = 120
MAX_BIDDING_DAYS = 365
# Members of a tender's opening committee.
MAX_COMMITTEE = 7

# Dates of the programme (grant periods, reports, payments, expiry of documents) and of
# past events (an organisation's registration, a course) lie within these years.
FIRST_PROGRAMME_YEAR = 2000
LAST_YEAR = 2100
FIRST_PAST_YEAR = 1900

# Long narratives (descriptions, achievements, reasons) typed in a text area.
MAX_TEXT_LENGTH = 10_000

CONTROL_CHARACTERS_MESSAGE = _("Remove the invisible control characters from this field.")
# C0 controls (NUL, tab, newline included), DEL, C1 controls, the bidirectional embeddings and
# overrides (U+202A-U+202E) and isolates (U+2066-U+2069): none belongs in a one-line name, and
# the bidi ones can make a name read differently from what it is.
_SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# In a text area tab, newline and carriage return are typing; the other C0 controls and DEL
# are not, so they are removed rather than refused.
_MULTI_LINE_REMOVED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def validate_single_line(value):
    """Refuse control characters and bidirectional overrides in a one-line text."""
    if isinstance(value, str) and _SINGLE_LINE_FORBIDDEN.search(value):
        raise ValidationError(CONTROL_CHARACTERS_MESSAGE, code="control_characters")


def strip_control_characters(value):
    """``value`` without the C0 controls other than tab, newline and carriage return, and DEL."""
    return _MULTI_LINE_REMOVED.sub("", value) if isinstance(value, str) else value


def validate_not_in_future(value):
    """Refuse a date after today (in the portal's time zone)."""
    if value is not None and value > timezone.localdate():
        raise ValidationError(_("This date cannot be in the future."), code="future_date")


@deconstructible
class YearRangeValidator:
    """Refuse a date or time outside the years ``first`` to ``last``. It compares years, not
    moments, so a time of year 1 is refused without being converted to UTC (which fails)."""

    message = _("Enter a date between the years %(first)s and %(last)s.")
    code = "date_out_of_range"

    def __init__(self, first, last):
        self.first, self.last = first, last

    def __call__(self, value):
        if value is not None and not self.first <= value.year <= self.last:
            raise ValidationError(
                self.message, code=self.code, params={"first": self.first, "last": self.last}
            )

    def __eq__(self, other):
        return isinstance(other, YearRangeValidator) and (self.first, self.last) == (
            other.first,
            other.last,
        )


def amount_validators():
    return [MinValueValidator(MIN_AMOUNT), MaxValueValidator(MAX_AMOUNT)]


def non_negative_amount_validators():
    return [MinValueValidator(Decimal("0")), MaxValueValidator(MAX_AMOUNT)]


def count_validators(maximum=MAX_COUNT, minimum=0):
    return [MinValueValidator(minimum), MaxValueValidator(maximum)]


def programme_date_validators():
    return [YearRangeValidator(FIRST_PROGRAMME_YEAR, LAST_YEAR)]


def past_date_validators():
    return [YearRangeValidator(FIRST_PAST_YEAR, LAST_YEAR), validate_not_in_future]


def text_length_validators(maximum=MAX_TEXT_LENGTH):
    return [MaxLengthValidator(maximum)]

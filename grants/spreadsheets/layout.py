"""Where the report template keeps what: shared by the template and its import, so the two
cannot drift apart.

The visible sheets come in a fixed order (their titles follow the downloader's language, so
the import finds them by position). Column A of the report, targets and expenditure sheets is
hidden and holds what a row stands for (a field, a service kind, a target or budget line id).
A very hidden sheet holds which report and period the template was made for, the report's
version, and the lists the drop-downs offer.
"""

from django.utils.translation import gettext_lazy as _

from grants.forms.report import ReportMainForm
from grants.models import AgeBand, ServiceKind, Sex

META_SHEET = "portal"
REPORT, BENEFICIARIES, TARGETS, EXPENDITURE = range(4)
SHEET_TITLES = (_("Report"), _("Service users"), _("Targets"), _("Expenditure"))
# Rows 1 and 2 hold the title and the column headings; data starts below them.
FIRST_ROW = 3
# Rows of the service users sheet below the prefilled ones that still offer the drop-downs.
SPARE_ROWS = 50
# Cells of the very hidden sheet: what the template was made for.
META_CELLS = {"report": "B1", "period_start": "B2", "period_end": "B3", "version": "B4"}
# Columns of the very hidden sheet holding the drop-down lists.
LIST_COLUMNS = {"target_group": "D", "etrap": "E", "sex": "F", "age_band": "G"}

COUNT, LINE, TEXT = "count", "line", "text"
LINE_MAX_LENGTH = 300


def scalar_rows():
    """The rows of the report sheet as ``(key, label, kind)``: the totals and cases, one row
    per service kind (key ``service:<kind>``), then the texts."""
    fields = ReportMainForm.base_fields
    rows = [
        (name, fields[name].label, COUNT)
        for name in (
            "beneficiaries_new",
            "beneficiaries_continuing",
            "cases_opened",
            "cases_active",
            "cases_closed",
        )
    ]
    rows += [(f"service:{kind}", label, COUNT) for kind, label in ServiceKind.choices]
    rows.append(("services_other_description", fields["services_other_description"].label, LINE))
    rows += [
        (name, fields[name].label, TEXT)
        for name in ("achievements", "challenges", "changes_observed")
    ]
    return rows


def sexes():
    return list(Sex.choices)


def age_bands():
    return list(AgeBand.choices)

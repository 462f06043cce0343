"""The 360Giving grants as a spreadsheet: one row per grant, under the column titles of the
standard's flattened form (``Recipient Org:Identifier``), the first item of each list rolled up
into the row as 360Giving's own templates do."""

from io import BytesIO

from openpyxl import Workbook

# (column title, how to read it from a grant)
COLUMNS = (
    ("Identifier", lambda grant: grant["id"]),
    ("Title", lambda grant: grant["title"]),
    ("Description", lambda grant: grant["description"]),
    ("Currency", lambda grant: grant["currency"]),
    ("Amount Awarded", lambda grant: grant["amountAwarded"]),
    ("Amount Disbursed", lambda grant: grant["amountDisbursed"]),
    ("Award Date", lambda grant: grant["awardDate"]),
    ("Planned Dates:Start Date", lambda grant: grant["plannedDates"][0]["startDate"]),
    ("Planned Dates:End Date", lambda grant: grant["plannedDates"][0]["endDate"]),
    ("Recipient Org:Identifier", lambda grant: grant["recipientOrganization"][0]["id"]),
    ("Recipient Org:Name", lambda grant: grant["recipientOrganization"][0]["name"]),
    ("Recipient Org:County", lambda grant: grant["recipientOrganization"][0]["addressRegion"]),
    ("Recipient Org:Country", lambda grant: grant["recipientOrganization"][0]["addressCountry"]),
    ("Funding Org:Identifier", lambda grant: grant["fundingOrganization"][0]["id"]),
    ("Funding Org:Name", lambda grant: grant["fundingOrganization"][0]["name"]),
    ("Beneficiary Location:Name", lambda grant: grant["beneficiaryLocation"][0]["name"]),
    (
        "Beneficiary Location:Country Code",
        lambda grant: grant["beneficiaryLocation"][0]["countryCode"],
    ),
    (
        "Beneficiary Location:Geographic Code",
        lambda grant: grant["beneficiaryLocation"][0]["geoCode"],
    ),
    (
        "Beneficiary Location:Geographic Code Type",
        lambda grant: grant["beneficiaryLocation"][0]["geoCodeType"],
    ),
    ("Grant Programme:Code", lambda grant: grant["grantProgramme"][0]["code"]),
    ("Grant Programme:Title", lambda grant: grant["grantProgramme"][0]["title"]),
    ("Grant Programme:URL", lambda grant: grant["grantProgramme"][0]["url"]),
    ("From An Open Call?", lambda grant: grant["fromOpenCall"]),
    ("Data Source", lambda grant: grant["dataSource"]),
)
SHEET = "grants"


def workbook(grants):
    """The ``grants`` (360Giving grant objects) as the bytes of an XLSX workbook."""
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append([title for title, _read in COLUMNS])
    for grant in grants:
        sheet.append([read(grant) for _title, read in COLUMNS])
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()

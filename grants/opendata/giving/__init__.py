"""Open data of the grant stage in the 360Giving Data Standard 1.4: every signed agreement that
stems from a final award, as a grant, served as a JSON package and as a spreadsheet.

Unlike the OCDS releases, which are written once per event, the grants are the agreements as
they stand, built on each request. Nothing about the people served is published beyond the
agreement's velayat and etraps, and no bank reference of a payment.
"""

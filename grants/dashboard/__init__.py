"""The grant officers' monitoring dashboard: figures across every pilot, and a page per grant.

* ``figures`` — the numbers, each computed in the database in a fixed number of queries
  whatever the number of grants and reports: service users reached against targets (by target
  group, by etrap, over time), report deadlines, spending against budget, tranches.
* ``grant`` — the same for one grant: its indicators per period, reports, tranches, budget lines.
* ``filters`` — velayat, service type and provider.
* ``tables`` — the figures as labelled tables, the one source of the pages and the exports.
* ``charts`` — server-rendered SVG charts drawn from those tables.
* ``exports`` — the tables as CSV and XLSX.

Reports hold aggregate numbers only (no service user is named), and so does everything here.
Only accepted reports count. A grant's accepted final report covers the whole grant, so once
it is there it stands for the grant instead of its period reports; trends per period use the
accepted period reports.
"""

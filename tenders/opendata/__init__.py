"""Open data: every public event of a tender as an Open Contracting Data Standard 1.1 release.

Each release is written by a small builder (one module per stage) that subscribes to the audit
event of the decision it tells of (``workflows.events.recorded``), in the same transaction, so a
decision and its release commit or roll back together. The tender-side builders live here; the
grants app publishes the contract and its implementation from its own events, with the helpers
of ``tenders.opendata.common`` and ``tenders.opendata.parties``.

What is never published: a bid's content (its proposal, staff, budget and files, and before
opening even its existence), an evaluator's scores, and anything about the people a grantee
serves beyond the totals of an accepted report.
"""

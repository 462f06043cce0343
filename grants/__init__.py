"""Grants: the agreements that fund tender winners, their reports and their payments.

The life of a grant, and where each part lives:

* ``services.award`` — a final award (event ``tenders.award_finalised``) creates a draft
  agreement for the winning bid, one per bid, in the award's transaction.
* ``services.draft`` — in draft the grant officer sets the reporting terms, budget (copied from
  the bid), targets and tranche plan; either side uploads the signed file. Any change withdraws
  the confirmations given so far.
* ``services.signing`` — the grant officer (for the ministry) and an admin of the grantee each
  confirm the signed file; ``checks.signing_problems`` must be empty (budget = amount, tranches
  = 100 %, targets set, file uploaded). The second confirmation signs the agreement, generates
  the reporting schedule (``schedule``: one report per calendar month or quarter, the first
  from the start date, the last to the end date, plus a final report over the whole grant) and
  releases the tranche tied to signing.
* ``services.lifecycle`` — activation on the start date (sweep), suspension and resumption,
  termination (cancels what was not earned), completion when the final report is accepted.
* ``services.report_deadlines`` — reports open the day after their period ends (sweep); the
  sweep sends reminders 7 and 1 days before the due date, flags a report overdue the day after
  it (a flag, not a state), reminds every 7 days and alerts the grant officers after 14 days.
* ``services.report_entry`` and ``validation`` — the grantee fills in aggregate numbers only;
  completeness and consistency are checked on submission.
* ``services.report_review`` — open → submitted → accepted, or returned (comments per section)
  → resubmitted → accepted or returned. Accepting releases the tranches whose conditions are
  then all met.
* ``services.tranche`` — eligible → approved → paid, by a grant officer; never ahead of the
  condition; on hold while the agreement is suspended; with four eyes, paid by another officer
  than the one who approved it.
* ``services.tranche_rules`` — each tranche's conditions with whether they are met: what
  releases it, and what the tranche page shows.
"""

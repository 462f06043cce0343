"""The tenders part of the API: tenders, clarifications, bids, evaluations and awards."""

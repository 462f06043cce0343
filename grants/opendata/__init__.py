"""Open data of the grant stage: the signed agreement as an OCDS contract, its paid tranches and
accepted reports as its implementation, and its end.

Published within the tender's contracting process (its OCID), with the helpers of
``tenders.opendata``, from the grants app's own recorded decisions. An agreement that does not
stem from a final award has no process to be published in, and is left out.
"""

"""What a signed-in user sees first: one section for each role they hold.

Each module here gathers one role's section for one user with a constant number of queries,
however many tenders, bids, grants or reports there are: lists are cut to ``LIST_LENGTH`` rows
in the database and everything a template shows is loaded with them. The homes are the one part
of the site shell that reads the domain apps; they only read, through the apps' own models and
selectors.

A new section is a module with ``build(user, now)`` returning a ``Section`` (or None when the
user does not hold the role), a template ``portal/home_<name>.html`` and a line in ``BUILDERS``.
"""

from portal.homes import admin, approver, evaluator, grant_officer, ngo, procurement
from portal.homes.common import Section

# The order in which the sections of a user with several roles appear.
BUILDERS = (
    ngo.build,
    procurement.build,
    evaluator.build,
    approver.build,
    grant_officer.build,
    admin.build,
)

__all__ = ["BUILDERS", "Section", "sections_for"]


def sections_for(user, now):
    """The home sections of ``user`` at ``now``, in ``BUILDERS`` order."""
    return [section for build in BUILDERS if (section := build(user, now)) is not None]

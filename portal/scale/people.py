"""The ministry staff of the scale programme: a handful of each role, as a ministry has."""

import base64
from dataclasses import dataclass

from django_otp.plugins.otp_totp.models import TOTPDevice

from portal import two_factor
from portal.scale import TOTP_SECRET, password_hash


@dataclass
class People:
    officers: list
    evaluators: list
    approvers: list
    grant_officers: list
    committee: list

    def panel(self, seed):
        """A chair and three evaluators, a different four for each ``seed`` in turn."""
        size = len(self.evaluators)
        return [self.evaluators[(seed + n) % size] for n in range(4)]


def build_people(factor):
    """The ministry's staff, and the three evaluators who sit on every draft tender's opening
    committee (with ``COMMITTEE_PASSPHRASE``)."""
    from tests.factories.portal import UserFactory
    from tests.factories.tenders import committee_member

    key = base64.b32decode(TOTP_SECRET).hex()

    def staff(role, count, prefix):
        users = [
            UserFactory(username=f"scale-{prefix}{n + 1}", password=password_hash(), **{role: True})
            for n in range(max(count, 1))
        ]
        TOTPDevice.objects.bulk_create(
            TOTPDevice(user=user, name=two_factor.APP_DEVICE_NAME, key=key, confirmed=True)
            for user in users
        )
        return users

    return People(
        grant_officers=staff("grant_officer", round(10 * factor), "grants"),
        officers=staff("procurement_officer", round(20 * factor), "procurement"),
        evaluators=staff("evaluator", max(5, round(60 * factor)), "evaluator"),
        approvers=staff("approver", round(4 * factor), "approver"),
        committee=[committee_member(evaluator=True, password=password_hash()) for _ in range(3)],
    )

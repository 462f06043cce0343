"""The contract stage: the agreement signed by both parties (``contract``) and its end, by
completion or termination (``contractTermination``)."""

from grants.opendata.common import publish_contract
from grants.opendata.implementation import implementation


def on_signed(*, subject, entry, **_payload):
    """The agreement both parties signed, as the active contract of its award."""
    publish_contract(subject, entry, "contract")


def on_ended(*, subject, entry, **_payload):
    """The agreement completed or terminated, with what was paid and reported."""
    publish_contract(subject, entry, "contractTermination", implementation=implementation(subject))

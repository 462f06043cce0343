"""The contract stage: the agreement signed by both parties (``contract``) and its end, by
completion or termination (``contractTermination``)."""

from grants.opendata.common import publish_contract
from grants.opendata.implementation import implementation


def on_signed(*, subject, entry, **_payload):
    publish_contract(subject, entry, "contract")


def on_ended(*, subject, entry, **_payload):
    publish_contract(subject, entry, "contractTermination", implementation=implementation(subject))

"""Tickets of the example workflow, one trait per state: ``TicketFactory(submitted=True)``."""

from datetime import timedelta

import factory
from django.utils import timezone

from tests.example_app.models import Ticket
from tests.factories.portal import UserFactory


class TicketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ticket

    class Params:
        submitted = factory.Trait(
            state=Ticket.State.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        approved = factory.Trait(
            state=Ticket.State.APPROVED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
        )
        rejected = factory.Trait(
            state=Ticket.State.REJECTED,
            submitted_at=factory.LazyFunction(timezone.now),
            decided_at=factory.LazyFunction(timezone.now),
            reason="Incomplete",
        )
        expired = factory.Trait(
            state=Ticket.State.EXPIRED,
            deadline=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1)),
        )
        overdue = factory.Trait(
            deadline=factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
        )

    title = factory.Sequence(lambda n: f"Ticket {n}")
    owner = factory.SubFactory(UserFactory)
    reviewer = factory.SubFactory(UserFactory)
    state = Ticket.State.DRAFT
    deadline = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

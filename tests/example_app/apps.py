from django.apps import AppConfig


class ExampleAppConfig(AppConfig):
    """A small workflow used only by the test suite to exercise the workflow engine."""

    name = "tests.example_app"
    label = "example_app"
    verbose_name = "Example workflow"

    def ready(self):
        from tests.example_app import jobs, services
        from tests.example_app.models import Ticket
        from workflows import sweeps

        sweeps.register(
            "example_app.expire_tickets",
            due=lambda now: Ticket.objects.filter(state=Ticket.State.DRAFT, deadline__lte=now),
            apply=lambda ticket, now: services.ticket_expire(actor=None, ticket=ticket, now=now),
            batch_size=500,
        )
        jobs.register()

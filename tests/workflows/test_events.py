import pytest
from django.db import transaction

from portal.models import ServiceType
from workflows import events


@pytest.fixture
def event_name(request):
    name = f"test.{request.node.name}"
    yield name
    events._subscribers.pop(name, None)


def test_subscribers_run_in_order_with_the_payload(event_name):
    calls = []
    events.subscribe(event_name, lambda **payload: calls.append(("first", payload)))
    events.subscribe(event_name, lambda **payload: calls.append(("second", payload)))
    events.emit(event_name, number=7)
    assert calls == [("first", {"number": 7}), ("second", {"number": 7})]


def test_subscribing_the_same_handler_twice_calls_it_once(event_name):
    calls = []

    def handler(**payload):
        calls.append(payload)

    events.subscribe(event_name, handler)
    events.subscribe(event_name, handler)
    events.emit(event_name)
    assert calls == [{}]


@pytest.mark.django_db
def test_a_failing_subscriber_rolls_back_what_the_emitter_wrote(event_name):
    def failing(**payload):
        ServiceType.objects.create(
            code="written-by-subscriber", name_tk="a", name_ru="b", name_en="c"
        )
        raise RuntimeError("subscriber refused")

    events.subscribe(event_name, failing)
    with pytest.raises(RuntimeError), transaction.atomic():
        ServiceType.objects.create(code="written-by-emitter", name_tk="a", name_ru="b", name_en="c")
        events.emit(event_name)
    assert not ServiceType.objects.filter(code__startswith="written-by").exists()


@pytest.mark.django_db
def test_every_audit_entry_is_emitted_as_its_recorded_event():
    from tests.factories.example_app import TicketFactory
    from workflows import audit

    ticket = TicketFactory()
    name = events.recorded(type(ticket), "reminded")
    calls = []
    events.subscribe(name, lambda **payload: calls.append(payload))
    try:
        entry = audit.record(ticket, "reminded", actor=None)
    finally:
        events._subscribers.pop(name, None)

    assert name == "example_app.ticket:reminded"
    assert calls == [{"subject": ticket, "entry": entry}]

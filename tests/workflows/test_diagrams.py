"""State diagrams come from django-fsm-2's ``graph_transitions`` command."""

from io import StringIO

from django.core.management import call_command


def dot(*args):
    out = StringIO()
    call_command("graph_transitions", *args, stdout=out)
    return out.getvalue()


def test_graph_transitions_draws_the_example_ticket_with_every_state_and_transition():
    graph = dot()

    assert graph.startswith("digraph {")
    assert "cluster_example_app_Ticket_state" in graph
    for state in ("draft", "submitted", "approved", "rejected", "expired"):
        assert f'"example_app.ticket.state.{state}"' in graph
    for source, target, name in [
        ("draft", "submitted", "submit"),
        ("submitted", "approved", "approve"),
        ("submitted", "rejected", "reject"),
        ("draft", "expired", "expire"),
    ]:
        edge = f'"example_app.ticket.state.{source}" -> "example_app.ticket.state.{target}"'
        assert f"{edge} [label={name}]" in graph


def test_graph_transitions_draws_one_app_when_asked():
    graph = dot("example_app")

    assert "cluster_example_app_Ticket_state" in graph
    assert graph.count("subgraph cluster_") == 1

"""The state diagrams shown in the README are drawn from the current workflows."""

from pathlib import Path

import pytest
from django.apps import apps
from django_fsm import FSMFieldMixin

DIAGRAMS = Path(__file__).resolve().parents[2] / "workflows" / "diagrams"


@pytest.mark.parametrize("app_label", ["providers", "tenders", "grants"])
def test_the_committed_diagram_names_every_transition_of_the_app(app_label):
    drawing = (DIAGRAMS / f"{app_label}.svg").read_text()
    for model in apps.get_app_config(app_label).get_models():
        for field in model._meta.fields:
            if isinstance(field, FSMFieldMixin):
                for transition in field.get_all_transitions(model):
                    assert f">{transition.name}<" in drawing, (model.__name__, transition.name)

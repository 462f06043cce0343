"""The seed programme's grant figures before they are reported: how they are shared out."""

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants import demo
from grants.models import GrantAgreement
from portal.demo import DemoData
from tests.factories.grants import GrantAgreementFactory


@given(
    total=st.integers(min_value=0, max_value=5000),
    weights=st.lists(st.integers(min_value=1, max_value=60), min_size=1, max_size=8),
)
def test_a_split_adds_up_to_the_total_and_follows_the_weights(total, weights):
    parts = demo.split(total, weights)

    assert sum(parts) == total
    assert all(part >= 0 for part in parts)
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - total * weight / sum(weights)) < 1


def test_the_months_grow_and_cover_the_reported_half_year():
    assert len(demo.MONTHS) == demo.PERIODS == len(demo.SPENDING)
    assert list(demo.MONTHS) == sorted(demo.MONTHS)


def test_the_service_profiles_add_up_to_the_seed_programme():
    profiles = demo.PROFILES.values()
    people = sum(p["people"] for p in profiles)
    children = sum(p["people"] * p["ages"][0] / sum(p["ages"]) for p in profiles)
    elderly = sum(p["people"] * p["ages"][2] / sum(p["ages"]) for p in profiles)

    assert people > 2500
    assert sum(p["cases"] for p in profiles) > 500
    assert 38 <= 100 * children / people <= 42
    assert 8 <= 100 * elderly / people <= 10


@pytest.mark.django_db
def test_the_builder_does_nothing_without_the_history(monkeypatch):
    monkeypatch.setattr(demo, "history_available", lambda: False)
    out = io.StringIO()

    demo.build(DemoData(stdout=out))

    assert out.getvalue() == ""
    assert not GrantAgreement.objects.exists()


@pytest.mark.django_db
def test_the_builder_leaves_agreements_of_other_tenders_alone():
    agreement = GrantAgreementFactory()
    out = io.StringIO()

    demo.build(DemoData(stdout=out))

    agreement.refresh_from_db()
    assert agreement.state == "draft"
    assert out.getvalue() == ""

import pytest

from portal.models import Etrap, ServiceType, TargetGroup, Velayat

pytestmark = pytest.mark.django_db


def test_reference_data_has_five_velayats_ashgabat_and_58_etraps():
    assert set(Velayat.objects.values_list("code", flat=True)) == {
        "TM-A",
        "TM-B",
        "TM-D",
        "TM-L",
        "TM-M",
        "TM-S",
    }
    assert Etrap.objects.count() == 58
    arkadag = Etrap.objects.get(name_tk="Arkadag")
    assert arkadag.velayat.code == "TM-A"
    assert arkadag.kind == Etrap.Kind.CITY


def test_reference_names_follow_the_active_language():
    from django.utils import translation

    mary = Velayat.objects.get(code="TM-M")
    with translation.override("ru"):
        assert mary.name == "Марыйский велаят"
    with translation.override("tk"):
        assert mary.name == "Mary"


def test_seed_programme_service_types_and_target_groups_exist():
    assert ServiceType.objects.filter(code="elderly-home-care").exists()
    assert TargetGroup.objects.count() == 5

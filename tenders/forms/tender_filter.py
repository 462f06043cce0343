"""The public tender list's filters: service type, velayat and state (open tenders first)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from portal.models import ServiceType, Velayat
from tenders.models import Tender

ALL_STATES = "all"
STATE_CHOICES = [
    (Tender.State.PUBLISHED, _("Open for bids")),
    (Tender.State.CLOSED, _("Closed, being evaluated")),
    (Tender.State.AWARDED, _("Awarded")),
    (Tender.State.UNSUCCESSFUL, _("Unsuccessful")),
    (Tender.State.CANCELLED, _("Cancelled")),
    (ALL_STATES, _("All")),
]


class PublicTenderFilter(django_filters.FilterSet):
    """Filters a queryset of public tenders; without a state chosen it shows the open ones."""

    state = django_filters.ChoiceFilter(
        label=_("State"), choices=STATE_CHOICES, empty_label=None, method="filter_state"
    )
    service_type = django_filters.ModelChoiceFilter(
        label=_("Service type"), queryset=ServiceType.objects.filter(active=True)
    )
    velayat = django_filters.ModelChoiceFilter(
        label=_("Velayat"), queryset=Velayat.objects.filter(active=True)
    )

    class Meta:
        model = Tender
        fields = ["state", "service_type", "velayat"]

    def __init__(self, data=None, *args, **kwargs):
        data = data.copy() if data is not None else {}
        if not data.get("state"):
            data["state"] = Tender.State.PUBLISHED
        super().__init__(data, *args, **kwargs)

    def filter_state(self, queryset, name, value):
        return queryset if value == ALL_STATES else queryset.filter(state=value)

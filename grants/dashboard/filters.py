"""The dashboard's filters: velayat, service type and provider."""

import django_filters
from django.utils.translation import gettext_lazy as _

from grants.dashboard.figures import dashboard_agreements
from grants.models import GrantAgreement
from portal.models import ServiceType, Velayat
from providers.models import Provider


def grantees(request):
    """The providers offered: those holding an agreement the officer monitors."""
    if request is None:
        return Provider.objects.none()
    return Provider.objects.filter(pk__in=dashboard_agreements(request.user).values("grantee"))


class DashboardFilter(django_filters.FilterSet):
    """Narrows a queryset of agreements; a value that is not offered (a hand-edited address)
    makes the filter invalid, with the error next to its field."""

    velayat = django_filters.ModelChoiceFilter(
        label=_("Velayat"), queryset=Velayat.objects.all(), empty_label=_("All velayats")
    )
    service_type = django_filters.ModelChoiceFilter(
        label=_("Service type"),
        queryset=ServiceType.objects.all(),
        empty_label=_("All service types"),
    )
    provider = django_filters.ModelChoiceFilter(
        field_name="grantee",
        label=_("Provider"),
        queryset=grantees,
        empty_label=_("All providers"),
    )

    class Meta:
        model = GrantAgreement
        fields = ["velayat", "service_type", "provider"]

    def chosen(self):
        """(label, value) of each filter in use, for the export's description."""
        if not self.is_valid():
            return []
        return [
            (self.filters[name].label, value)
            for name, value in self.form.cleaned_data.items()
            if value is not None
        ]

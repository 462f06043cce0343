"""Providers of the scale programme: verified, one in each etrap in turn."""

from itertools import chain, cycle, zip_longest

from portal.models import Etrap, ServiceType, TargetGroup
from portal.scale import password_hash
from providers.models import DocumentType, MemberRole


def build_providers(plan, progress):
    """``plan.providers`` verified organisations, each with an admin and an editor, a charter
    and a registration certificate, two trained staff members; return them."""
    from tests.factories.portal import UserFactory
    from tests.factories.providers import ProviderFactory, StaffMemberFactory, member_of

    etraps = cycle(_round_robin())
    service_types = list(ServiceType.objects.all())
    target_groups = list(TargetGroup.objects.all())
    documents = [DocumentType.CHARTER, DocumentType.REGISTRATION_CERTIFICATE]
    providers = []
    for n in range(plan.providers):
        etrap = next(etraps)
        admin = UserFactory(username=f"scale-ngo{n + 1}", password=password_hash())
        provider = ProviderFactory(
            verified=True,
            velayat=etrap.velayat,
            etrap=etrap,
            registration_number=f"SCALE-{n + 1:05d}",
            documents=documents,
            admin=admin,
        )
        provider.scale_admin = admin
        provider.service_types.set(service_types[n % len(service_types) :][:2])
        provider.target_groups.set(target_groups[n % len(target_groups) :][:2])
        member_of(provider, MemberRole.EDITOR, password=password_hash())
        provider.scale_staff = [
            StaffMemberFactory(provider=provider, trained=True) for _ in range(2)
        ]
        providers.append(provider)
        progress("providers", n + 1, plan.providers)
    return providers


def _round_robin():
    """Every etrap once, one velayat after another in turn, so a few providers already cover
    several velayats."""
    by_velayat = {}
    for etrap in Etrap.objects.select_related("velayat").order_by("velayat__code", "pk"):
        by_velayat.setdefault(etrap.velayat_id, []).append(etrap)
    rounds = zip_longest(*by_velayat.values())
    return [etrap for etrap in chain.from_iterable(rounds) if etrap is not None]

"""Organisations, members, documents and staff.

``ProviderFactory(verified=True)`` gives a verified organisation with an admin member
(``admin_of(provider)``); ``ProviderFactory(complete=True)`` one with everything it needs to be
submitted; ``ProviderFactory(verified=True, documents=[...], trained_staff=3)`` one that passes
an eligibility check for those documents and three trained people.
"""

from datetime import date, timedelta

import factory
from django.utils import timezone

from portal.documents.storage import store
from portal.models import ServiceType, TargetGroup, Velayat
from providers.models import (
    DocumentType,
    Invitation,
    LegalForm,
    MemberRole,
    Membership,
    Provider,
    ProviderDocument,
    ProviderState,
    StaffMember,
    TrainingCertificate,
    TrainingRecord,
)
from providers.readiness import VERIFICATION_DOCUMENTS
from tests.factories.documents import upload
from tests.factories.portal import UserFactory


def ashgabat():
    return Velayat.objects.get(code="TM-S")


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider
        skip_postgeneration_save = True

    class Params:
        draft = factory.Trait(state=ProviderState.DRAFT)
        submitted = factory.Trait(
            state=ProviderState.SUBMITTED, submitted_at=factory.LazyFunction(timezone.now)
        )
        verified = factory.Trait(
            state=ProviderState.VERIFIED,
            submitted_at=factory.LazyFunction(timezone.now),
            verified_at=factory.LazyFunction(timezone.now),
        )
        returned = factory.Trait(
            state=ProviderState.RETURNED, review_comments="Attach the bank details."
        )
        rejected = factory.Trait(state=ProviderState.REJECTED, state_reason="Not an NGO.")
        suspended = factory.Trait(
            state=ProviderState.SUSPENDED, state_reason="Audit report overdue."
        )

    name_tk = factory.Sequence(lambda n: f"Jemgyýetçilik birleşigi {n}")
    name_ru = factory.Sequence(lambda n: f"Общественное объединение {n}")
    name_en = factory.Sequence(lambda n: f"Public association {n}")
    legal_form = LegalForm.PUBLIC_ASSOCIATION
    registration_number = factory.Sequence(lambda n: f"REG-{n:05d}")
    registration_date = date(2015, 3, 1)
    address = "Bitarap Türkmenistan şaýoly 1"
    velayat = factory.LazyFunction(ashgabat)
    etrap = factory.LazyAttribute(lambda provider: provider.velayat.etraps.first())
    phone = "+993 12 00 00 00"
    email = factory.Sequence(lambda n: f"office{n}@ngo.example.org")
    state = ProviderState.DRAFT

    @factory.post_generation
    def admin(provider, create, extracted, **kwargs):
        """An admin member: the given user, a new one by default, none with ``admin=False``."""
        if not create or extracted is False:
            return
        Membership.objects.create(
            provider=provider, user=extracted or UserFactory(), role=MemberRole.ADMIN
        )

    @factory.post_generation
    def complete(provider, create, extracted, **kwargs):
        """``complete=True``: the documents, a service type and a target group it needs to be
        submitted for verification."""
        if create and extracted:
            provider.service_types.add(ServiceType.objects.first())
            provider.target_groups.add(TargetGroup.objects.first())
            for document_type in VERIFICATION_DOCUMENTS:
                ProviderDocumentFactory(provider=provider, document_type=document_type)

    @factory.post_generation
    def documents(provider, create, extracted, **kwargs):
        """``documents=[type, ...]``: one valid document of each type."""
        for document_type in extracted or ():
            ProviderDocumentFactory(provider=provider, document_type=document_type)

    @factory.post_generation
    def trained_staff(provider, create, extracted, **kwargs):
        """``trained_staff=n``: n active people with completed in-service training."""
        for _ in range(extracted or 0):
            StaffMemberFactory(provider=provider, trained=True)


def admin_of(provider):
    return Membership.objects.filter(provider=provider, role=MemberRole.ADMIN).first().user


def member_of(provider, role=MemberRole.EDITOR, **user_fields):
    """A new user who is a member of ``provider`` with ``role``."""
    user = UserFactory(**user_fields)
    Membership.objects.create(provider=provider, user=user, role=role)
    return user


class ProviderDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProviderDocument

    provider = factory.SubFactory(ProviderFactory)
    document_type = DocumentType.CHARTER
    title = factory.LazyAttribute(lambda document: document.document_type.replace("_", " "))
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=365))
    uploaded_by = factory.LazyAttribute(lambda document: admin_of(document.provider))

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        content = kwargs.pop("content", None)
        stored = store(
            upload("pdf", name=f"{kwargs['document_type']}.pdf", content=content),
            prefix=model_class.upload_prefix,
        )
        uploaded_by = kwargs.pop("uploaded_by")
        document = model_class.from_stored(stored, uploaded_by=uploaded_by, **kwargs)
        document.save()
        return document


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingRecord

    staff = factory.SubFactory("tests.factories.providers.StaffMemberFactory")
    course = "Home-based care for older people"
    training_provider = "Ministry of Labour and Social Protection training centre"
    started_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=90))
    completed_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=60))
    in_service = True


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMember
        skip_postgeneration_save = True

    class Params:
        trained = factory.Trait(
            training=factory.RelatedFactory(TrainingRecordFactory, factory_related_name="staff")
        )

    provider = factory.SubFactory(ProviderFactory)
    full_name = factory.Faker("name")
    position = "Social worker"
    qualifications = "Diploma in social work"
    active = True


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    provider = factory.SubFactory(ProviderFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = MemberRole.EDITOR
    token = factory.Sequence(lambda n: f"token-{n:08d}-abcdefghijklmnop")
    invited_by = factory.LazyAttribute(lambda invitation: admin_of(invitation.provider))
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=14))


class TrainingCertificateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingCertificate

    training = factory.SubFactory(TrainingRecordFactory)
    uploaded_by = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        stored = store(upload("pdf", name="certificate.pdf"), prefix=model_class.upload_prefix)
        certificate = model_class.from_stored(stored, **kwargs)
        certificate.save()
        return certificate

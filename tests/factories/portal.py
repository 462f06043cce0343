"""Users with staff roles: ``UserFactory(evaluator=True)``, ``UserFactory(roles=[...])``."""

import factory
from django.contrib.auth.models import Group
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import Role, User
from workflows.models import Notification, OutboxMessage

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    class Params:
        procurement_officer = factory.Trait(roles=[Role.PROCUREMENT_OFFICER])
        evaluator = factory.Trait(roles=[Role.EVALUATOR])
        approver = factory.Trait(roles=[Role.APPROVER])
        grant_officer = factory.Trait(roles=[Role.GRANT_OFFICER])
        system_admin = factory.Trait(roles=[Role.SYSTEM_ADMIN], is_staff=True, is_superuser=True)
        inactive = factory.Trait(is_active=False)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    full_name = factory.Faker("name")
    language = "en"
    password = factory.django.Password(PASSWORD)
    roles = ()

    @classmethod
    def _create(cls, model_class, *args, roles=(), **kwargs):
        user = super()._create(model_class, *args, **kwargs)
        user.groups.add(*(Group.objects.get_or_create(name=role)[0] for role in roles))
        return user

    @classmethod
    def _build(cls, model_class, *args, roles=(), **kwargs):
        return super()._build(model_class, *args, **kwargs)


def add_notification(user, *, read=False):
    """An in-app notification for ``user``, with the outbox message it comes from."""
    message = OutboxMessage.objects.create(
        key=f"test:{user.pk}:{OutboxMessage.objects.count()}",
        event="test.event",
        recipient=user,
        channel=OutboxMessage.Channel.IN_APP,
    )
    return Notification.objects.create(
        recipient=user,
        message=message,
        title="Something happened",
        read_at=timezone.now() if read else None,
    )


def authenticator(user):
    """``user``'s confirmed authenticator app, set up the first time it is asked for."""
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)
    return device


def authenticator_code(device):
    """The code ``device``'s app shows now, or, when that one was already used (each code
    signs in once), the next one, which the portal accepts as a clock a step ahead."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.drift += max(0, device.last_t + 1 - totp.t())
    return f"{totp.token():0{device.digits}d}"

"""Reference data: administrative units, service types and target groups, in three languages."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from portal.validators import validate_single_line


class NamedInThreeLanguages(models.Model):
    name_tk = models.CharField(
        _("name (Turkmen)"), max_length=200, validators=[validate_single_line]
    )
    name_ru = models.CharField(
        _("name (Russian)"), max_length=200, validators=[validate_single_line]
    )
    name_en = models.CharField(
        _("name (English)"), max_length=200, validators=[validate_single_line]
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", None) or self.name_en


class Velayat(NamedInThreeLanguages):
    code = models.CharField(_("ISO 3166-2 code"), max_length=8, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("velayat")
        verbose_name_plural = _("velayats")


class Etrap(NamedInThreeLanguages):
    class Kind(models.TextChoices):
        DISTRICT = "district", _("District")
        CITY = "city", _("City with district status")
        BOROUGH = "borough", _("City borough")

    velayat = models.ForeignKey(
        Velayat, on_delete=models.PROTECT, related_name="etraps", verbose_name=_("velayat")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)

    class Meta:
        ordering = ["velayat__code", "name_tk"]
        verbose_name = _("etrap")
        verbose_name_plural = _("etraps")
        constraints = [
            models.UniqueConstraint(
                fields=["velayat", "name_tk", "kind"], name="unique_etrap_per_velayat"
            )
        ]


class ServiceType(NamedInThreeLanguages):
    code = models.SlugField(_("code"), max_length=64, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("service type")
        verbose_name_plural = _("service types")


class TargetGroup(NamedInThreeLanguages):
    code = models.SlugField(_("code"), max_length=64, unique=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")

"""Admin of accounts and reference data, for system administrators."""

from django.contrib import admin, messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.admin import OTPAdminSite
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.models import Etrap, Role, ServiceType, TargetGroup, User, Velayat
from portal.services import user_reset_second_factor
from workflows.errors import DomainError


class PortalAdminSite(OTPAdminSite):
    """The admin asks for a session that gave a second-factor code, like every staff page;
    administrators sign in (password, then code) on the portal's own login page."""

    def login(self, request, extra_context=None):
        return redirect_to_login(request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index"))


admin.site.__class__ = PortalAdminSite
# Nobody reads another person's authenticator secret or backup codes: a lost device is reset
# from the user list instead.
admin.site.unregister([TOTPDevice, StaticDevice])


class PortalUserCreationForm(AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "full_name", "language")


class PortalUserChangeForm(UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts with their staff roles; a role is an auth group named by its code."""

    form = PortalUserChangeForm
    add_form = PortalUserCreationForm
    list_display = ("username", "full_name", "email", "language", "role_list", "is_active")
    list_filter = ("groups", "language", "is_active", "is_staff", "is_superuser")
    search_fields = ("username", "full_name", "email")
    ordering = ("username",)
    actions = ("reset_second_factor",)
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal details"), {"fields": ("full_name", "email", "language", "email_frequency")}),
        (_("Roles"), {"fields": ("groups",)}),
        (
            _("Access"),
            {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "email",
                    "full_name",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ),
            },
        ),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            field.label = _("Roles")
            field.help_text = _("Staff roles this person holds in the Ministry.")
        return field

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"))
    def reset_second_factor(self, request, queryset):
        reset = 0
        for user in queryset:
            try:
                reset += bool(user_reset_second_factor(actor=request.user, user=user))
            except DomainError as error:
                self.message_user(request, error.message, messages.ERROR)
                return
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d account; it is set up again at "
                "its next sign-in.",
                "Two-factor sign-in was reset for %(count)d accounts; each is set up again at "
                "its next sign-in.",
                reset,
            )
            % {"count": reset},
            messages.SUCCESS,
        )

    @admin.display(description=_("roles"))
    def role_list(self, user):
        labels = dict(Role.choices)
        return ", ".join(str(labels.get(group.name, group.name)) for group in user.groups.all())


class ReferenceAdmin(admin.ModelAdmin):
    """Reference rows are corrected or retired, never deleted: tenders and reports point at them."""

    list_filter = ("active",)
    search_fields = ("name_tk", "name_ru", "name_en")
    actions = ("retire", "reactivate")

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retire the selected entries"))
    def retire(self, request, queryset):
        self._set_active(request, queryset, active=False)

    @admin.action(description=_("Bring the selected entries back into use"))
    def reactivate(self, request, queryset):
        self._set_active(request, queryset, active=True)

    def _set_active(self, request, queryset, *, active):
        changed = 0
        for row in queryset.exclude(active=active):
            row.active = active
            row.save(update_fields=["active"])
            changed += 1
        self.message_user(
            request,
            ngettext("%(count)d entry changed.", "%(count)d entries changed.", changed)
            % {"count": changed},
            messages.SUCCESS,
        )


@admin.register(Velayat)
class VelayatAdmin(ReferenceAdmin):
    list_display = ("code", "name_tk", "name_ru", "name_en", "active")
    search_fields = ("code", *ReferenceAdmin.search_fields)
    fields = ("code", "name_tk", "name_ru", "name_en", "active")


@admin.register(Etrap)
class EtrapAdmin(ReferenceAdmin):
    list_display = ("name_tk", "name_ru", "name_en", "velayat", "kind", "active")
    list_filter = ("velayat", "kind", "active")
    list_select_related = ("velayat",)
    fields = ("velayat", "kind", "name_tk", "name_ru", "name_en", "active")


@admin.register(ServiceType)
class ServiceTypeAdmin(ReferenceAdmin):
    list_display = ("code", "name_tk", "name_ru", "name_en", "active")
    search_fields = ("code", *ReferenceAdmin.search_fields)
    fields = ("code", "name_tk", "name_ru", "name_en", "active")


@admin.register(TargetGroup)
class TargetGroupAdmin(ReferenceAdmin):
    list_display = ("code", "name_tk", "name_ru", "name_en", "active")
    search_fields = ("code", *ReferenceAdmin.search_fields)
    fields = ("code", "name_tk", "name_ru", "name_en", "active")

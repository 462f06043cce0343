"""Admin of accounts and reference data, for system administrators."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from portal.models import Etrap, Role, ServiceType, TargetGroup, User, Velayat


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

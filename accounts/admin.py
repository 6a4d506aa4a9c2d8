from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from accounts.models import Agency, Delegation, Role, RoleAssignment, Unit, UnitKind, User


@admin.register(Role)
class RoleAdmin(admin.ModelAdmin):
    """Roles are data: add the lane roles a definition names (Penyedia, Verifikator, ...)."""

    list_display = ["name", "code", "scope", "home_agency"]
    list_filter = ["scope"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []  # definitions, history and assignments refer to it


@admin.register(UnitKind)
class UnitKindAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "head_role"]
    search_fields = ["name", "code"]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj else []


@admin.register(Delegation)
class DelegationAdmin(admin.ModelAdmin):
    list_display = ["delegate", "kind", "role", "unit", "starts_on", "ends_on", "sk_number", "revoked_at"]
    list_filter = ["kind", "role", "unit__agency"]
    search_fields = ["delegate__full_name", "sk_number"]
    autocomplete_fields = ["delegate", "on_behalf_of", "delegated_by", "unit"]


class UnitInline(admin.TabularInline):
    model = Unit
    extra = 0


@admin.register(Agency)
class AgencyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "time_zone", "is_national"]
    search_fields = ["name", "code"]
    inlines = [UnitInline]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "agency", "kind"]
    list_filter = ["kind", "agency"]
    search_fields = ["name"]


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "agency", "nip", "jabatan", "is_active"]
    list_filter = ["agency", "is_active"]
    search_fields = ["username", "full_name", "nip", "email"]
    ordering = ["full_name"]
    inlines = [RoleAssignmentInline]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Data pegawai"), {"fields": ("full_name", "agency", "nip", "pangkat_golongan", "jabatan", "phone", "email",
                                        "organization", "npwp")}),
        (_("Hak akses"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Waktu penting"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "full_name", "email", "password1", "password2")}),
    )

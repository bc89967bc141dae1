from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from accounts.models import RoleSecondFactor, User
from audit.admin import AuditedAdmin


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin[User]):
    list_display = ["username", "first_name", "last_name", "role", "is_active"]
    list_filter = ["role", "is_active", "departments"]
    filter_horizontal = ["departments", "groups", "user_permissions"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        ("City role", {"fields": ("role", "departments")}),
    )


@admin.register(RoleSecondFactor)
class RoleSecondFactorAdmin(AuditedAdmin):
    list_display = ["role", "required"]

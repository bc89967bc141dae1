from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from core.admin import CityMapAdmin
from intake.models import (
    Follower,
    RequestEvent,
    Service,
    ServiceAttribute,
    ServiceRequest,
    Transfer,
)


class ServiceAttributeInline(admin.StackedInline[ServiceAttribute, Service]):
    model = ServiceAttribute
    extra = 0


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin[Service]):
    list_display = [
        "name",
        "code",
        "group",
        "default_department",
        "target_value",
        "target_unit",
        "is_active",
    ]
    list_filter = ["group", "default_department", "is_active"]
    search_fields = ["name", "code", "keywords"]
    inlines = [ServiceAttributeInline]


@admin.register(ServiceAttribute)
class ServiceAttributeAdmin(admin.ModelAdmin[ServiceAttribute]):
    list_display = ["service", "code", "datatype", "required", "order"]
    list_filter = ["datatype", "required"]
    search_fields = ["code", "service__code"]


class RequestEventInline(admin.TabularInline[RequestEvent, ServiceRequest]):
    model = RequestEvent
    extra = 0
    can_delete = False
    fields = ("at", "kind", "actor", "public", "note", "data")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(ServiceRequest)
class ServiceRequestAdmin(CityMapAdmin):
    """Read-only: every field of a request is owned by a service function (status, notes,
    assignment, promises, escalation, location at intake), which also writes its history
    and tells the resident. Editing one here would do neither, or overwrite a concurrent
    change with the page's stale copy."""

    list_display = [
        "public_id",
        "service",
        "status",
        "department",
        "unit",
        "created_at",
        "promised_at",
    ]
    list_filter = ["status", "department", "channel", "service__group"]
    search_fields = ["public_id", "description", "address"]
    date_hierarchy = "created_at"
    list_select_related = ["service", "department", "unit"]
    inlines = [RequestEventInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in ServiceRequest._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(RequestEvent)
class RequestEventAdmin(admin.ModelAdmin[RequestEvent]):
    list_display = ["request", "kind", "at", "actor", "public"]
    list_filter = ["kind", "public"]
    search_fields = ["request__public_id", "note"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Transfer)
class TransferAdmin(admin.ModelAdmin[Transfer]):
    """Read-only: transfers are made from the request, with a reason, by the service layer."""

    list_display = ["request", "from_department", "to_department", "routed_by_rule", "at"]
    list_filter = ["from_department", "to_department", "override"]
    search_fields = ["request__public_id", "routed_by_rule", "reason"]
    readonly_fields = [f.name for f in Transfer._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Follower)
class FollowerAdmin(admin.ModelAdmin[Follower]):
    list_display = ["request", "email", "phone", "language", "from_request", "created_at"]
    search_fields = ["request__public_id", "email", "phone"]
    raw_id_fields = ["request", "from_request"]

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from notifications.models import (
    OutboxMessage,
    ServiceRecoveryTask,
    SurveyInvitation,
    WebhookSubscription,
)


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin[OutboxMessage]):
    """Read-only: messages are written by the service layer and sent by workers."""

    list_display = ["request", "kind", "channel", "status", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "channel", "kind", "language"]
    search_fields = ["request__public_id", "recipient", "last_error"]
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin[WebhookSubscription]):
    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(admin.ModelAdmin[SurveyInvitation]):
    list_display = ["request", "satisfaction", "courteous", "fixed", "created_at", "answered_at"]
    list_filter = ["courteous", "fixed"]
    search_fields = ["request__public_id", "comment"]
    exclude = ["token"]
    readonly_fields = [f.name for f in SurveyInvitation._meta.fields if f.name != "token"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(ServiceRecoveryTask)
class ServiceRecoveryTaskAdmin(admin.ModelAdmin[ServiceRecoveryTask]):
    list_display = ["request", "status", "created_at", "done_at"]
    list_filter = ["status"]
    search_fields = ["request__public_id", "reason", "outcome"]
    readonly_fields = ["request", "survey", "reason", "created_at", "done_at"]

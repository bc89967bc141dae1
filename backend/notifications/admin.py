from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from accounts.models import User
from audit.models import AuditSource
from notifications.models import (
    OutboxMessage,
    ServiceRecoveryTask,
    SurveyInvitation,
    WebhookSubscription,
)
from notifications.subscriptions import (
    webhook_subscription_change,
    webhook_subscription_create,
    webhook_subscription_delete,
    webhook_subscription_revoke,
)


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


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
    """Every write goes through notifications.subscriptions, which records it in the audit
    trail."""

    list_display = ["name", "url", "is_active", "created_at"]
    list_filter = ["is_active"]
    actions = ["revoke"]

    def save_model(
        self, request: HttpRequest, obj: WebhookSubscription, form: Any, change: bool
    ) -> None:
        actor = _actor(request)
        if change:
            webhook_subscription_change(subscription=obj, actor=actor, source=AuditSource.ADMIN)
            return
        created = webhook_subscription_create(
            name=obj.name,
            url=obj.url,
            secret=obj.secret,
            service_codes=obj.service_codes or [],
            actor=actor,
            source=AuditSource.ADMIN,
        )
        obj.pk, obj.is_active, obj.created_at = created.pk, created.is_active, created.created_at

    @admin.action(description="Revoke the selected subscriptions (no more deliveries)")
    def revoke(self, request: HttpRequest, queryset: Any) -> None:
        for subscription in queryset:
            webhook_subscription_revoke(
                subscription=subscription, actor=_actor(request), source=AuditSource.ADMIN
            )

    def delete_model(self, request: HttpRequest, obj: WebhookSubscription) -> None:
        webhook_subscription_delete(
            subscription=obj, actor=_actor(request), source=AuditSource.ADMIN
        )

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for subscription in queryset:
            webhook_subscription_delete(
                subscription=subscription, actor=_actor(request), source=AuditSource.ADMIN
            )


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

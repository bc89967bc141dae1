from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest

from accounts.models import User
from audit.models import AuditSource
from open311.models import ApiKey
from open311.services import api_key_change, api_key_delete, api_key_issue, api_key_revoke


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin[ApiKey]):
    list_display = ["name", "prefix", "contact", "is_active", "created_at", "last_used_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "contact", "prefix"]
    fields = ["name", "contact", "prefix", "is_active", "created_at", "revoked_at", "last_used_at"]
    readonly_fields = ["prefix", "is_active", "created_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiKey, form: Any, change: bool) -> None:
        # Through the services, which record each issue, change and revocation in the audit trail.
        actor = _actor(request)
        if change:
            api_key_change(
                api_key=obj,
                name=obj.name,
                contact=obj.contact,
                actor=actor,
                source=AuditSource.ADMIN,
            )
            return
        issued = api_key_issue(
            name=obj.name, contact=obj.contact, actor=actor, source=AuditSource.ADMIN
        )
        obj.pk = issued.api_key.pk
        obj.prefix, obj.key_hash = issued.api_key.prefix, issued.api_key.key_hash
        # The key is shown once, now; only its hash is kept.
        messages.warning(request, f"API key for {obj.name}: {issued.key}  (copy it now)")

    @admin.action(description="Revoke the selected keys")
    def revoke(self, request: HttpRequest, queryset: object) -> None:
        for api_key in queryset:  # type: ignore[attr-defined]
            api_key_revoke(api_key=api_key, actor=_actor(request), source=AuditSource.ADMIN)

    def delete_model(self, request: HttpRequest, obj: ApiKey) -> None:
        api_key_delete(api_key=obj, actor=_actor(request), source=AuditSource.ADMIN)

    def delete_queryset(self, request: HttpRequest, queryset: Any) -> None:
        for api_key in queryset:
            api_key_delete(api_key=api_key, actor=_actor(request), source=AuditSource.ADMIN)

"""The admin side of the audit trail: a base class every editable admin uses, so each save,
inline edit and deletion there is recorded with the values before and after; and a read-only
list of the records."""

from typing import Any

from django.contrib import admin
from django.db import models
from django.db.models import QuerySet
from django.forms import BaseModelForm
from django.forms.models import BaseInlineFormSet, BaseModelFormSet
from django.http import HttpRequest

from accounts.models import User
from audit.models import AuditRecord, AuditSource
from audit.services import Snapshot, audit_record_change, audit_record_deletions, audit_snapshot
from core.readonly_admin import ReadOnlyAdmin

_BEFORE = "_audit_before"


def _actor(request: HttpRequest) -> User | None:
    return request.user if isinstance(request.user, User) else None


def _stored(instance: models.Model) -> Snapshot | None:
    if instance.pk is None:
        return None
    stored = type(instance)._default_manager.filter(pk=instance.pk).first()
    return None if stored is None else audit_snapshot(stored)


class AuditedAdmin(admin.ModelAdmin[Any]):
    """Records every change made through this admin page (audit trail, issue 15 item 6)."""

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # The form already changed obj: read the stored row for "before". Kept on the object,
        # which lives for this request only (the admin instance is shared between threads).
        setattr(obj, _BEFORE, _stored(obj) if change else None)
        super().save_model(request, obj, form, change)

    def save_related(
        self, request: HttpRequest, form: BaseModelForm[Any], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        instance = form.instance
        audit_record_change(
            actor=_actor(request),
            source=AuditSource.ADMIN,
            instance=instance,
            before=getattr(instance, _BEFORE, None),
            after=audit_snapshot(instance),
        )

    def save_formset(
        self,
        request: HttpRequest,
        form: BaseModelForm[Any],
        formset: BaseModelFormSet[Any, Any] | BaseInlineFormSet[Any, Any, Any],
        change: bool,
    ) -> None:
        stored = {f.instance.pk: _stored(f.instance) for f in formset.forms if f.instance.pk}
        super().save_formset(request, form, formset, change)
        actor = _actor(request)
        for obj in formset.new_objects:
            audit_record_change(
                actor=actor,
                source=AuditSource.ADMIN,
                instance=obj,
                before=None,
                after=audit_snapshot(obj),
            )
        for obj, _fields in formset.changed_objects:
            audit_record_change(
                actor=actor,
                source=AuditSource.ADMIN,
                instance=obj,
                before=stored.get(obj.pk),
                after=audit_snapshot(obj),
            )
        for obj in formset.deleted_objects:
            audit_record_change(
                actor=actor,
                source=AuditSource.ADMIN,
                instance=obj,
                before=stored.get(obj.pk) or audit_snapshot(obj),
                after=None,
            )

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        audit_record_deletions(actor=_actor(request), source=AuditSource.ADMIN, instances=[obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        audit_record_deletions(
            actor=_actor(request), source=AuditSource.ADMIN, instances=list(queryset)
        )
        super().delete_queryset(request, queryset)


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "source", "action", "target_type", "target_repr"]
    list_filter = ["source", "action", "target_type"]
    search_fields = ["target_repr", "target_id", "actor__username"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "at"

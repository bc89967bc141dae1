"""Catalogue writes through the API go into the audit trail, as admin edits do."""

from typing import Any

from django.db import models
from rest_framework import viewsets
from rest_framework.serializers import BaseSerializer

from accounts.models import User
from audit.models import AuditSource
from audit.services import audit_record_change, audit_record_deletions, audit_snapshot


class AuditedWritesMixin(viewsets.GenericViewSet[Any]):
    def _actor(self) -> User | None:
        user = self.request.user
        return user if isinstance(user, User) else None

    def perform_create(self, serializer: BaseSerializer[Any]) -> None:
        instance = serializer.save()
        audit_record_change(
            actor=self._actor(),
            source=AuditSource.API,
            instance=instance,
            before=None,
            after=audit_snapshot(instance),
        )

    def perform_update(self, serializer: BaseSerializer[Any]) -> None:
        stored = serializer.instance
        assert isinstance(stored, models.Model)
        before = audit_snapshot(type(stored)._default_manager.get(pk=stored.pk))
        instance = serializer.save()
        audit_record_change(
            actor=self._actor(),
            source=AuditSource.API,
            instance=instance,
            before=before,
            after=audit_snapshot(instance),
        )

    def perform_destroy(self, instance: models.Model) -> None:
        audit_record_deletions(actor=self._actor(), source=AuditSource.API, instances=[instance])
        instance.delete()

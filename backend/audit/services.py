"""Recording changes in the audit trail. Interfaces (admin, API, console) call these around
the writes they make directly on models; domain services record through them too."""

import hashlib
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.contrib.gis.geos import GEOSGeometry
from django.db import models
from django.utils import timezone

from accounts.models import User
from audit.models import AuditAction, AuditRecord

# Never stored, only marked as changed.
SECRET_FIELDS = frozenset({"password", "key", "key_hash", "secret", "token"})
# Bookkeeping the database or Django updates by itself: not an edit by anyone.
IGNORED_FIELDS = frozenset({"last_login", "updated_at", "created_at"})

Snapshot = dict[str, Any]


def _json_value(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, GEOSGeometry):
        # A boundary can be megabytes: keep its shape and a digest that shows it changed.
        digest = hashlib.sha256(value.ewkb).hexdigest()[:16]
        return f"{value.geom_type} ({value.num_coords} points, sha256 {digest})"
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _json_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_json_value(v) for v in value]
    return str(value)


def _secret(value: Any) -> str:
    """Shows that a secret changed without keeping anything that helps to guess it."""
    if not value:
        return ""
    return "hidden, sha256 " + hashlib.sha256(str(value).encode()).hexdigest()[:8]


def audit_snapshot(instance: models.Model) -> Snapshot:
    """The instance's editable fields as JSON values: relations by id, many-to-many as sorted
    ids (read from the database, so take it after the relations are saved)."""
    snapshot: Snapshot = {}
    for field in instance._meta.concrete_fields:
        if field.name in IGNORED_FIELDS or field.primary_key:
            continue
        value = getattr(instance, field.attname)
        snapshot[field.name] = _secret(value) if field.name in SECRET_FIELDS else _json_value(value)
    if instance.pk is not None:
        for m2m in instance._meta.many_to_many:
            related = getattr(instance, m2m.name).values_list("pk", flat=True)
            snapshot[m2m.name] = sorted(_json_value(pk) for pk in related)
    return snapshot


def audit_changes(before: Snapshot, after: Snapshot) -> dict[str, dict[str, Any]]:
    changes: dict[str, dict[str, Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old != new:
            changes[name] = {"before": old, "after": new}
    return changes


def audit_record_change(
    *,
    actor: User | None,
    source: str,
    instance: models.Model,
    before: Snapshot | None,
    after: Snapshot | None,
) -> AuditRecord | None:
    """One record for one object: created (no before), deleted (no after) or changed.
    A change that changes nothing records nothing."""
    if before is None:
        action = AuditAction.CREATED
    elif after is None:
        action = AuditAction.DELETED
    else:
        action = AuditAction.CHANGED
    changes = audit_changes(before or {}, after or {})
    if action == AuditAction.CHANGED and not changes:
        return None
    return AuditRecord.objects.create(
        at=timezone.now(),
        actor=actor if actor is not None and actor.pk is not None else None,
        source=source,
        action=action,
        target_type=ContentType.objects.get_for_model(type(instance), for_concrete_model=True),
        target_id=str(instance.pk),
        target_repr=str(instance)[:200],
        changes=changes,
    )


def audit_record_deletions(
    *, actor: User | None, source: str, instances: Iterable[models.Model]
) -> int:
    recorded = 0
    for instance in instances:
        audit_record_change(
            actor=actor,
            source=source,
            instance=instance,
            before=audit_snapshot(instance),
            after=None,
        )
        recorded += 1
    return recorded

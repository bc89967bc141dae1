"""Who changed what, when, with the values before and after.

A service request's own history (status, assignment, transfer, notes, promised dates) is the
append-only RequestEvent log in intake; it is not copied here. This app records the changes
that have no history of their own: the catalogue (services, departments, units, areas,
holidays), routing rules, users and roles, and hand edits made in the admin.
"""

from typing import Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models


class AuditAction(models.TextChoices):
    CREATED = "created", "Created"
    CHANGED = "changed", "Changed"
    DELETED = "deleted", "Deleted"


class AuditSource(models.TextChoices):
    ADMIN = "admin", "Administration site"
    API = "api", "Staff API"
    STAFF = "staff", "Staff console"
    COMMAND = "command", "Management command"


class AppendOnlyError(RuntimeError):
    pass


class AuditRecord(models.Model):
    """One change to one object. Append-only (also enforced by a database trigger)."""

    at = models.DateTimeField()
    # PROTECT: an account that changed something is deactivated, never deleted.
    actor = models.ForeignKey(  # indexed by audit_actor_at_idx (actor, at)
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="audit_records",
        db_index=False,
    )
    source = models.CharField(max_length=10, choices=AuditSource.choices)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.CharField(max_length=64)
    target_repr = models.CharField(max_length=200)
    # {field: {"before": value, "after": value}}; values as JSON (ids for relations).
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["actor", "at"], name="audit_actor_at_idx"),
            models.Index(fields=["target_type", "target_id", "at"], name="audit_target_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("the audit trail is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("the audit trail is append-only")

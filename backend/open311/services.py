"""Writes of the Open311 interface: issuing, changing and revoking keys (each recorded in the
audit trail) and noting their use. Requests themselves are taken by
`intake.services.service_request_submit`, like every other channel's."""

import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import User
from audit.models import AuditSource
from audit.services import audit_record_change, audit_record_deletions, audit_snapshot
from core.errors import InvalidInput
from open311.keys import key_forget, key_hash, key_lookup, key_refresh
from open311.models import ApiKey

KEY_BYTES = 24


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # shown once; only its hash is stored


@transaction.atomic
def api_key_issue(
    *, name: str, contact: str = "", actor: User | None = None, source: str = AuditSource.COMMAND
) -> IssuedKey:
    if not name.strip():
        raise InvalidInput.field("name", "Name the client the key is for.")
    key = secrets.token_urlsafe(KEY_BYTES)
    api_key = ApiKey.objects.create(
        name=name.strip(), contact=contact.strip(), prefix=key[:8], key_hash=key_hash(key)
    )
    audit_record_change(
        actor=actor, source=source, instance=api_key, before=None, after=audit_snapshot(api_key)
    )
    return IssuedKey(api_key=api_key, key=key)


def _save(api_key: ApiKey, fields: list[str], *, actor: User | None, source: str) -> ApiKey:
    """Saves `fields` of the key, recording them against the stored row."""
    before = audit_snapshot(ApiKey.objects.select_for_update().get(pk=api_key.pk))
    api_key.save(update_fields=fields)
    audit_record_change(
        actor=actor, source=source, instance=api_key, before=before, after=audit_snapshot(api_key)
    )
    return api_key


@transaction.atomic
def api_key_change(
    *, api_key: ApiKey, name: str, contact: str, actor: User | None, source: str
) -> ApiKey:
    """Who the key is for and whom to call; the key itself never changes (issue a new one)."""
    if not name.strip():
        raise InvalidInput.field("name", "Name the client the key is for.")
    api_key.name, api_key.contact = name.strip(), contact.strip()
    _save(api_key, ["name", "contact"], actor=actor, source=source)
    key_refresh(api_key)
    return api_key


@transaction.atomic
def api_key_revoke(
    *, api_key: ApiKey, actor: User | None = None, source: str = AuditSource.COMMAND
) -> ApiKey:
    api_key.is_active = False
    api_key.revoked_at = timezone.now()
    _save(api_key, ["is_active", "revoked_at"], actor=actor, source=source)
    key_forget(api_key)
    return api_key


@transaction.atomic
def api_key_delete(*, api_key: ApiKey, actor: User | None, source: str) -> None:
    """Deleting a key revokes it too: no process accepts it once this commits."""
    key_forget(api_key)
    audit_record_deletions(actor=actor, source=source, instances=[api_key])
    api_key.delete()


def api_key_find(key: str) -> ApiKey | None:
    return key_lookup(key)


def api_key_touch(*, api_key: ApiKey) -> None:
    """Note the key's use, at most once a minute: no write on every call."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < timedelta(minutes=1):
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(minutes=1))
    ).update(last_used_at=now)
    api_key.last_used_at = now
    key_refresh(api_key)  # the remembered copy would otherwise ask again on every call

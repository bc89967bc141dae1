"""Writes of the Open311 interface: issuing keys and noting their use. Requests themselves
are taken by `intake.services.service_request_submit`, like every other channel's."""

import hashlib
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidInput
from open311.models import ApiKey

KEY_BYTES = 24


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedKey:
    api_key: ApiKey
    key: str  # shown once; only its hash is stored


@transaction.atomic
def api_key_issue(*, name: str, contact: str = "") -> IssuedKey:
    if not name.strip():
        raise InvalidInput.field("name", "Name the client the key is for.")
    key = secrets.token_urlsafe(KEY_BYTES)
    api_key = ApiKey.objects.create(
        name=name.strip(), contact=contact.strip(), prefix=key[:8], key_hash=_hash(key)
    )
    return IssuedKey(api_key=api_key, key=key)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    api_key.is_active = False
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["is_active", "revoked_at"])
    return api_key


# Active keys by hash, remembered briefly per process: a revoked key stops working within
# CIVIC311_OPEN311_KEY_CACHE_SECONDS, and intake saves a query on every call.
_known_keys: dict[str, tuple[float, ApiKey | None]] = {}


def api_key_find(key: str) -> ApiKey | None:
    if not key:
        return None
    digest = _hash(key)
    ttl = settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS
    now = time.monotonic()
    remembered = _known_keys.get(digest)
    if remembered is not None and now - remembered[0] < ttl:
        return remembered[1]
    api_key = ApiKey.objects.filter(key_hash=digest, is_active=True).first()
    if ttl > 0:
        if len(_known_keys) > 10_000:  # unknown keys must not grow memory without bound
            _known_keys.clear()
        _known_keys[digest] = (now, api_key)
    return api_key


def api_key_touch(*, api_key: ApiKey) -> None:
    """Note the key's use, at most once a minute: no write on every call."""
    now = timezone.now()
    if api_key.last_used_at is not None and now - api_key.last_used_at < timedelta(minutes=1):
        return
    ApiKey.objects.filter(pk=api_key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - timedelta(minutes=1))
    ).update(last_used_at=now)
    api_key.last_used_at = now

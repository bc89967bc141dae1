"""Open311 API keys found by their hash, remembered in the shared cache.

Every process reads the same entry, so a revocation takes effect at once everywhere: once it
commits, the entry is overwritten by a tombstone, and a lookup that read the database just
before the commit cannot put the key back (it only ever adds an entry where there is none).
A process keeping its own copy would go on accepting a revoked key for up to
CIVIC311_OPEN311_KEY_CACHE_SECONDS. Unknown keys are not remembered: a client guessing keys
must not fill the cache (it is throttled per address instead).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from open311.models import ApiKey

REVOKED = "revoked"


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _entry(digest: str) -> str:
    return f"open311:api-key:{digest}"


def key_lookup(key: str) -> ApiKey | None:
    """The active key for this secret, or None."""
    if not key:
        return None
    digest = key_hash(key)
    ttl = settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS
    if ttl > 0:
        remembered = cache.get(_entry(digest))
        if isinstance(remembered, ApiKey):
            return remembered
        if remembered == REVOKED:
            return None
    api_key = ApiKey.objects.filter(key_hash=digest, is_active=True).first()
    if api_key is not None and ttl > 0:
        cache.add(_entry(digest), api_key, timeout=ttl)
    return api_key


def key_refresh(api_key: ApiKey) -> None:
    """Drop the remembered copy after the key's row changed: the next call reads the row."""
    cache.delete(_entry(api_key.key_hash))


def key_forget(api_key: ApiKey) -> None:
    """Stop accepting the key everywhere once the current transaction commits."""
    ttl = settings.CIVIC311_OPEN311_KEY_CACHE_SECONDS
    entry = _entry(api_key.key_hash)
    # Longer than any copy a lookup could still add: it would have read the row in time.
    transaction.on_commit(lambda: cache.set(entry, REVOKED, timeout=max(ttl, 1) * 2 + 60))

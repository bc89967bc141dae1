"""Writes of the Open311 interface: issuing keys, and taking a request from a client."""

import hashlib
import json
import secrets
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core.errors import InvalidInput
from intake.models import Channel, ContactChannel, Service, ServiceRequest, new_request_token
from intake.services import Requester, service_request_create
from open311.keys import key_forget, key_hash, key_lookup, key_refresh
from open311.models import ApiKey

KEY_BYTES = 24
IDEMPOTENCY_WAIT_SECONDS = 5.0


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
        name=name.strip(), contact=contact.strip(), prefix=key[:8], key_hash=key_hash(key)
    )
    return IssuedKey(api_key=api_key, key=key)


@transaction.atomic
def api_key_revoke(*, api_key: ApiKey) -> ApiKey:
    api_key.is_active = False
    api_key.revoked_at = timezone.now()
    api_key.save(update_fields=["is_active", "revoked_at"])
    key_forget(api_key)
    return api_key


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


@dataclass(frozen=True)
class Submission:
    service: Service
    lat: float | None
    long: float | None
    address_string: str
    address_id: str
    zipcode: str
    description: str
    media_url: str
    attributes: Mapping[str, Any]
    email: str
    phone: str
    first_name: str
    last_name: str
    device_id: str
    account_id: str

    def fingerprint(self, api_key: ApiKey) -> str:
        payload = {
            "key": api_key.pk,
            "service": self.service.code,
            "lat": self.lat,
            "long": self.long,
            "address": self.address_string,
            "address_id": self.address_id,
            "description": self.description,
            "media_url": self.media_url,
            "attributes": {k: self.attributes[k] for k in sorted(self.attributes)},
            "device_id": self.device_id,
            "account_id": self.account_id,
            "email": self.email,
            "phone": self.phone,
        }
        return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _create(submission: Submission, token: str = "") -> ServiceRequest:
    location = (
        Point(submission.long, submission.lat, srid=4326)
        if submission.lat is not None and submission.long is not None
        else None
    )
    if submission.email:
        channel = ContactChannel.EMAIL
    elif submission.phone:
        channel = ContactChannel.SMS
    else:
        channel = ContactChannel.NONE
    media: Sequence[str] = [submission.media_url] if submission.media_url else []
    return service_request_create(
        service=submission.service,
        channel=Channel.APP,
        description=submission.description,
        location=location,
        address=submission.address_string,
        address_id=submission.address_id,
        zipcode=submission.zipcode,
        attributes=submission.attributes,
        media_urls=media,
        requester=Requester(
            first_name=submission.first_name,
            last_name=submission.last_name,
            email=submission.email,
            phone=submission.phone,
            channel=channel,
        ),
        token=token,
    )


def open311_request_submit(*, api_key: ApiKey, submission: Submission) -> ServiceRequest:
    """Create and route a request; a repeat from the same device within the window gets the
    same request back instead of a second one (a retry after a dropped connection)."""
    if not submission.device_id:
        return _create(submission)
    cache_key = f"open311:submission:{submission.fingerprint(api_key)}"
    window = settings.CIVIC311_OPEN311_IDEMPOTENCY_SECONDS
    # The first attempt claims the fingerprint with the token its request will carry: one
    # cache call, and a repeat can find that request by its token once it is committed.
    token = new_request_token()
    if cache.add(cache_key, token, timeout=window):
        try:
            return _create(submission, token)
        except BaseException:
            cache.delete(cache_key)
            raise
    deadline = time.monotonic() + IDEMPOTENCY_WAIT_SECONDS
    while True:
        first_token = cache.get(cache_key)
        if first_token is None or time.monotonic() > deadline:
            # The first attempt failed or vanished: this one is taken on its own.
            return _create(submission, token)
        existing = ServiceRequest.objects.filter(token=first_token).first()
        if existing is not None:
            return existing
        time.sleep(0.05)

"""What a channel asks for when it submits a service request: typed, immutable, parsed once.

Every way in (Open311, the staff API, the call walk, the residents' web form) builds an
`IntakeCommand` and hands it to `intake.services.service_request_submit`, which validates,
routes and records it. Channels differ only in how they read their own input.
"""

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from django.contrib.gis.geos import Point

from core.errors import InvalidInput
from intake.models import ContactChannel, Priority, Service, ServiceRequest

LAT_RANGE = (-90.0, 90.0)
LONG_RANGE = (-180.0, 180.0)


@dataclass(frozen=True)
class LocationFields:
    """The names a channel gives the location's parts, so errors name the channel's fields."""

    lat: str = "lat"
    long: str = "long"
    address: str = "address"
    address_id: str = "address_id"
    location: str = "location"


def _coordinate(raw: object, name: str, bounds: tuple[float, float]) -> float | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | float):
        raise InvalidInput.field(name, "Give a number.")
    try:
        value = float(raw)
    except ValueError:
        raise InvalidInput.field(name, "Give a number.") from None
    low, high = bounds
    if not math.isfinite(value) or not low <= value <= high:
        raise InvalidInput.field(name, f"Must be between {low:g} and {high:g}.")
    return value


def point_from(lat: float, long: float) -> Point:
    """The one place a WGS 84 point is made from a latitude and a longitude."""
    return Point(long, lat, srid=4326)


@dataclass(frozen=True)
class Location:
    """Where the problem is: a point, an address, a city address id, or several of them."""

    lat: float | None = None
    long: float | None = None
    address: str = ""
    address_id: str = ""
    zipcode: str = ""

    # Made once: validation, routing and the stored request read the same point.
    @cached_property
    def point(self) -> Point | None:
        if self.lat is None or self.long is None:
            return None
        return point_from(self.lat, self.long)

    @classmethod
    def parse(
        cls,
        *,
        lat: object = None,
        long: object = None,
        address: str = "",
        address_id: str = "",
        zipcode: str = "",
        names: LocationFields = LocationFields(),
        required: bool = True,
    ) -> "Location":
        """Read a location from any channel's raw values (text or numbers): both coordinates
        or neither, in range, and (when required) at least a point or an address."""
        parsed_lat = _coordinate(lat, names.lat, LAT_RANGE)
        parsed_long = _coordinate(long, names.long, LONG_RANGE)
        if (parsed_lat is None) != (parsed_long is None):
            missing = names.long if parsed_long is None else names.lat
            raise InvalidInput.field(missing, f"Give both {names.lat} and {names.long}.")
        location = cls(
            lat=parsed_lat,
            long=parsed_long,
            address=address.strip(),
            address_id=address_id.strip(),
            zipcode=zipcode.strip(),
        )
        if required and location.is_empty:
            raise InvalidInput.field(
                names.location,
                f"Give {names.lat} and {names.long}, {names.address} or {names.address_id}.",
            )
        return location

    @property
    def is_empty(self) -> bool:
        return self.lat is None and not self.address and not self.address_id


@dataclass(frozen=True)
class Requester:
    """Who asked, and how they want to hear back (C8: their channel, their language)."""

    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    language: str = "en"
    channel: str = ContactChannel.NONE


@dataclass(frozen=True)
class IntakeCommand:
    """One request to submit, as any channel received it.

    `idempotency_key` names the client's attempt (Open311: the key and device id; the web
    form: its form token): the same key and the same content within the window answer with
    the request the first attempt created. Empty means every submission is new.
    """

    service: Service
    channel: str
    location: Location
    description: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    media_urls: tuple[str, ...] = ()
    requester: Requester = Requester()
    priority: int = Priority.NORMAL
    device_id: str = ""
    account_id: str = ""
    idempotency_key: str = ""
    received_at: datetime | None = None

    def fingerprint(self) -> str:
        """The attempt's identity: its key and everything it asks for."""
        payload = {
            "key": self.idempotency_key,
            "service": self.service.code,
            "channel": self.channel,
            "location": [
                self.location.lat,
                self.location.long,
                self.location.address,
                self.location.address_id,
                self.location.zipcode,
            ],
            "description": self.description,
            "attributes": {k: self.attributes[k] for k in sorted(self.attributes)},
            "media": list(self.media_urls),
            "requester": [
                self.requester.first_name,
                self.requester.last_name,
                self.requester.email,
                self.requester.phone,
                self.requester.language,
                self.requester.channel,
            ],
            "device_id": self.device_id,
            "account_id": self.account_id,
        }
        encoded = json.dumps(payload, sort_keys=True, default=str).encode()
        return hashlib.sha256(encoded).hexdigest()


@dataclass(frozen=True)
class Submitted:
    """The request a command created, or the one an earlier identical attempt created."""

    service_request: ServiceRequest
    repeat: bool

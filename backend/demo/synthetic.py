"""Realistic synthetic service requests for the demo city, made through the real services."""

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from django.contrib.gis.geos import Point
from django.utils import timezone

from accounts.models import Role, User
from core.models import Area
from intake.models import AttributeDatatype, Channel, ContactChannel, Service, ServiceRequest
from intake.selectors import CITY_LIMITS_KIND
from intake.services import (
    Requester,
    service_request_add_note,
    service_request_change_status,
    service_request_create,
)
from intake.statuses import Status

DESCRIPTIONS: dict[str, list[str]] = {
    "pothole": [
        "Deep pothole in the right lane, cars are swerving around it.",
        "Pothole near the bus stop has been growing for weeks.",
        "Several potholes after the last freeze, one is really deep.",
    ],
    "streetlight-out": [
        "Streetlight in front of my house has been out for three nights.",
        "Light keeps flickering on and off all night.",
        "The whole block is dark, two lights are out.",
    ],
    "missed-trash": [
        "Cart was at the curb by 6am and was not emptied.",
        "Truck skipped our side of the street this week.",
    ],
    "bulky-item": ["Old couch and a mattress to pick up.", "Broken fridge at the curb."],
    "graffiti": ["Graffiti on the underpass wall.", "Tags sprayed on the stop sign and a bench."],
    "illegal-dumping": [
        "Someone dumped tires and bags of trash in the alley.",
        "Construction debris dumped at the end of the street.",
    ],
    "tree-down": [
        "Big limb came down in the storm and is blocking the sidewalk.",
        "Tree fell across the road after the wind last night.",
    ],
    "water-leak": [
        "Water bubbling up through the street near the corner.",
        "Hydrant leaking constantly, water running down the gutter.",
    ],
    "sidewalk-damage": [
        "Sidewalk slab lifted by tree roots, people trip on it.",
        "Big crack across the sidewalk by the school.",
    ],
    "traffic-signal-out": [
        "Signal is flashing red in all directions.",
        "Traffic light is completely dark.",
    ],
    "abandoned-vehicle": [
        "Grey sedan with flat tyres has not moved in two weeks.",
        "Van parked here for a month, expired plates.",
    ],
    "noise": ["Loud music every night past midnight.", "Construction starting at 5am."],
}
GENERIC = ["Please take a look when you can.", "This has been going on for a while.", ""]
FIRST_NAMES = [
    "Maria",
    "James",
    "Aisha",
    "Wei",
    "Carlos",
    "Emily",
    "Kwame",
    "Olga",
    "Juan",
    "Priya",
]
LAST_NAMES = [
    "Garcia",
    "Smith",
    "Johnson",
    "Chen",
    "Hernandez",
    "Brown",
    "Mensah",
    "Novak",
    "Patel",
]
STREETS = ["Main St", "Oak Ave", "Lakeview Dr", "River Rd", "Washington Ave", "Elm St", "Park St"]
CHANNELS = [(Channel.PHONE, 45), (Channel.WEB, 25), (Channel.APP, 25), (Channel.EMAIL, 5)]


class RequestGenerator:
    def __init__(self, *, seed: int, days: int = 60) -> None:
        self.rng = random.Random(seed)
        self.days = days
        self.now = timezone.now()
        self.services = list(Service.objects.filter(is_active=True).prefetch_related("attributes"))
        limits = Area.objects.filter(kind=CITY_LIMITS_KIND).first()
        if limits is None or not self.services:
            raise ValueError("load the demo city first (manage.py load_demo_city)")
        self.limits = limits.geometry
        self.agent = User.objects.filter(role=Role.AGENT).first()
        self.admin = (
            User.objects.filter(role=Role.ADMIN).first()
            or User.objects.filter(is_superuser=True).first()
        )

    def _point(self) -> Point:
        min_lon, min_lat, max_lon, max_lat = self.limits.extent
        while True:
            point = Point(
                self.rng.uniform(min_lon, max_lon), self.rng.uniform(min_lat, max_lat), srid=4326
            )
            if self.limits.contains(point):
                return point

    def _answer(self, attribute: Any) -> Any:
        keys = sorted(attribute.value_keys())
        if attribute.datatype == AttributeDatatype.SINGLEVALUELIST:
            return self.rng.choice(keys)
        if attribute.datatype == AttributeDatatype.MULTIVALUELIST:
            return self.rng.sample(keys, self.rng.randint(1, len(keys)))
        if attribute.datatype == AttributeDatatype.NUMBER:
            return self.rng.randint(1, 5)
        if attribute.datatype == AttributeDatatype.DATETIME:
            return (self.now + timedelta(days=self.rng.randint(20, 90))).isoformat()
        return self.rng.choice(["Rex", "Luna", "ABC 1234", "Blue Honda Civic", "Pole 4411"])

    def _requester(self) -> Requester:
        first, last = self.rng.choice(FIRST_NAMES), self.rng.choice(LAST_NAMES)
        channel = self.rng.choice([ContactChannel.EMAIL, ContactChannel.SMS, ContactChannel.NONE])
        return Requester(
            first_name=first,
            last_name=last,
            email=f"{first}.{last}@example.org".lower(),
            phone=f"+1608555{self.rng.randint(1000, 9999)}",
            language=self.rng.choices(["en", "es"], weights=[85, 15])[0],
            channel=channel,
        )

    def _progress(self, service_request: ServiceRequest, received: datetime) -> None:
        """Move older requests along the way real ones move; staff act as the admin user."""
        if self.admin is None:
            return
        age = (self.now - received).days
        at = received
        path: list[tuple[str, str]] = []
        if age >= 1:
            path.append((Status.ACKNOWLEDGED, ""))
        if age >= 3 and self.rng.random() < 0.7:
            path.append((Status.IN_PROGRESS, "A crew is scheduled."))
        if age >= 7 and self.rng.random() < 0.75:
            path.append((Status.RESOLVED, "The work is done. Thank you for letting us know."))
        for to_status, note in path:
            at = min(at + timedelta(hours=self.rng.uniform(2, 48)), self.now)
            service_request_change_status(
                service_request=service_request,
                to_status=to_status,
                actor=self.admin,
                note=note,
                at=at,
            )

    def generate(self, count: int) -> Iterator[ServiceRequest]:
        channels, weights = zip(*CHANNELS, strict=True)
        for _ in range(count):
            service = self.rng.choice(self.services)
            received = self.now - timedelta(minutes=self.rng.randint(0, self.days * 24 * 60))
            description = self.rng.choice(DESCRIPTIONS.get(service.code, GENERIC))
            attributes = {
                a.code: self._answer(a)
                for a in service.attributes.all()
                if a.variable and (a.required or self.rng.random() < 0.6)
            }
            created = service_request_create(
                service=service,
                channel=self.rng.choices(channels, weights=weights)[0],
                description=description,
                location=self._point(),
                address=f"{self.rng.randint(100, 4999)} {self.rng.choice(STREETS)}",
                attributes=attributes,
                requester=self._requester(),
                actor=None,
                received_at=received,
            )
            self._progress(created, received)
            if self.agent is not None and self.rng.random() < 0.1:
                service_request_add_note(
                    service_request=created,
                    text="Caller phoned to ask for an update.",
                    public=False,
                    actor=self.agent,
                )
            yield created

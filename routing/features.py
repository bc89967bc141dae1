"""The facts rules are written against, extracted once per request.

A feature is a name and a normalised text value: `service`, `subtype`, `details`,
`channel`, `zip`, `address` (the street address without city or zip), `street`,
`after_hours`, `area:<kind>`, `cell:<size>` (a grid square of `size` degrees, the finest
geography learned from history), `attr:<code>`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, time
from zoneinfo import ZoneInfo

from routing.geo import AreaIndex
from routing.model import AreaHit, RoutingInput
from routing.text import TextModel, has_text, text_of

Features = dict[str, str]

_ZIP_AT_END = re.compile(r"\b(\d{5})(?:-\d{4})?\s*$")
_HOUSE_NUMBER = re.compile(r"^[\d\s/-]+(?:1/2)?\s*")


def norm(value: object) -> str:
    return " ".join(str(value).split()).casefold()


def zipcode_of(*, zipcode: str, address: str) -> str:
    if zipcode.strip():
        return zipcode.strip()[:5]
    match = _ZIP_AT_END.search(address)
    return match.group(1) if match else ""


def street_of(address: str) -> str:
    """'748 1/2 E 24TH ST, 90011' -> 'e 24th st'. Intersections keep both streets."""
    first = address.split(",")[0]
    return norm(_HOUSE_NUMBER.sub("", first))


def cell_of(lat: float, lon: float, size: float) -> str:
    return f"{math.floor(lat / size)}:{math.floor(lon / size)}"


@dataclass(frozen=True, slots=True)
class BusinessHours:
    """When the city's offices are open; outside them requests are `after_hours`."""

    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    opens: time = time(8, 0)
    closes: time = time(17, 0)
    timezone: ZoneInfo | None = None

    def is_after_hours(self, moment: datetime) -> bool:
        if self.timezone is not None and moment.tzinfo is not None:
            moment = moment.astimezone(self.timezone)
        if moment.weekday() not in self.weekdays:
            return True
        return not self.opens <= moment.time() < self.closes


# Normalised values remembered per extractor: services, subtypes, channels, addresses and
# area names repeat from request to request.
_CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class FeatureExtractor:
    areas: AreaIndex | None = None
    cell_sizes: tuple[float, ...] = ()
    hours: BusinessHours = field(default_factory=BusinessHours)
    # The words' predicted owner (`text:department`, `text:unit`), for requests with words.
    text: TextModel | None = None
    _norms: dict[str, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    # (zipcode, address) -> the normalised zip, address and street.
    _places: dict[tuple[str, str], tuple[str, str, str]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _cells: tuple[tuple[str, float], ...] = field(default=(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        cells = tuple((f"cell:{size:g}", size) for size in self.cell_sizes)
        object.__setattr__(self, "_cells", cells)

    def extract(
        self, request: RoutingInput, located: tuple[AreaHit, ...] | None = None
    ) -> tuple[Features, tuple[AreaHit, ...]]:
        """`located`: the request's areas when they were looked up already (in bulk)."""
        features: Features = {}
        for name, value in (
            ("service", request.service),
            ("subtype", request.subtype),
            ("details", request.details),
            ("channel", request.channel),
        ):
            normalised = self._norm(value)
            if normalised:
                features[name] = normalised
        for name, normalised in zip(
            ("zip", "address", "street"), self._place(request), strict=True
        ):
            if normalised:
                features[name] = normalised
        features["after_hours"] = "yes" if self.hours.is_after_hours(request.received_at) else "no"
        if self.text is not None and has_text(request):
            features.update(self.text.features(text_of(request)))
        for code, value in request.attributes.items():
            values = value if isinstance(value, list | tuple) else [value]
            features[f"attr:{norm(code)}"] = ",".join(sorted(norm(v) for v in values))
        hits: tuple[AreaHit, ...] = ()
        if request.lat is not None and request.lon is not None:
            if located is not None:
                hits = located
            elif self.areas is not None:
                hits = self.areas.locate(request.lon, request.lat)
            for hit in hits:
                features[f"area:{hit.kind}"] = self._norm(hit.name)
            for name, size in self._cells:
                features[name] = cell_of(request.lat, request.lon, size)
        return features, hits

    def _norm(self, value: str) -> str:
        normalised = self._norms.get(value)
        if normalised is None:
            if len(self._norms) >= _CACHE_LIMIT:
                self._norms.clear()
            normalised = self._norms[value] = norm(value)
        return normalised

    def _place(self, request: RoutingInput) -> tuple[str, str, str]:
        key = (request.zipcode, request.address)
        place = self._places.get(key)
        if place is None:
            if len(self._places) >= _CACHE_LIMIT:
                self._places.clear()
            address = request.address
            place = self._places[key] = (
                norm(zipcode_of(zipcode=request.zipcode, address=address)),
                norm(address.split(",")[0]),
                norm(street_of(address)),
            )
        return place

"""What goes into a routing decision and what comes out of it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

OTHER_SERVICES = frozenset({"", "other"})


@dataclass(frozen=True, slots=True)
class RoutingInput:
    """One request as the engine sees it. Every field may be missing except the time."""

    received_at: datetime
    service: str = ""
    subtype: str = ""
    details: str = ""
    description: str = ""
    lat: float | None = None
    lon: float | None = None
    address: str = ""
    zipcode: str = ""
    channel: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def service_is_known(self) -> bool:
        return self.service.strip().lower() not in OTHER_SERVICES


@dataclass(frozen=True, slots=True)
class Owner:
    department: str
    unit: str = ""

    def __str__(self) -> str:
        return f"{self.department}/{self.unit}" if self.unit else self.department


@dataclass(frozen=True, slots=True)
class AreaHit:
    kind: str
    name: str
    agency: str = ""
    # Metres outside the polygon when the point was matched within the boundary tolerance.
    distance_m: float = 0.0


@dataclass(frozen=True, slots=True)
class Alternative:
    owner: Owner
    probability: float
    reason: str


@dataclass(frozen=True, slots=True)
class ServiceSuggestion:
    service: str
    probability: float


@dataclass(frozen=True, slots=True)
class Decision:
    owner: Owner
    rule_id: str
    unit_rule_id: str
    confidence: float
    fallback: bool
    areas: tuple[AreaHit, ...]
    reasons: tuple[str, ...]
    alternatives: tuple[Alternative, ...] = ()
    suggestions: tuple[ServiceSuggestion, ...] = ()
    promised_at: datetime | None = None

    @property
    def department(self) -> str:
        return self.owner.department

    @property
    def unit(self) -> str:
        return self.owner.unit

    @property
    def explanation(self) -> str:
        return " ".join(self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "department": self.owner.department,
            "unit": self.owner.unit,
            "rule": self.rule_id,
            "unit_rule": self.unit_rule_id,
            "confidence": round(self.confidence, 4),
            "fallback": self.fallback,
            "areas": [
                {"kind": a.kind, "name": a.name, "agency": a.agency, "distance_m": a.distance_m}
                for a in self.areas
            ],
            "explanation": self.explanation,
            "alternatives": [
                {
                    "department": a.owner.department,
                    "unit": a.owner.unit,
                    "probability": round(a.probability, 4),
                    "reason": a.reason,
                }
                for a in self.alternatives
            ],
            "suggested_services": [
                {"service": s.service, "probability": round(s.probability, 4)}
                for s in self.suggestions
            ],
            "promised_at": self.promised_at.isoformat() if self.promised_at else None,
        }

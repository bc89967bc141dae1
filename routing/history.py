"""Past requests from a history CSV (format: one request per row, see the project README)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from routing.model import Owner, RoutingInput

REQUIRED_COLUMNS = frozenset({"created_at", "service", "department"})


@dataclass(frozen=True, slots=True)
class HistoricalRequest:
    request_id: str
    request: RoutingInput
    owner: Owner


def _float(text: str | None) -> float | None:
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value == value else None  # NaN is no location


def read_history(path: Path) -> list[HistoricalRequest]:
    """All rows, oldest first; rows without a time or a department are skipped."""
    return sorted(_rows(path), key=lambda row: row.request.received_at)


def _rows(path: Path) -> Iterator[HistoricalRequest]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = REQUIRED_COLUMNS - set(reader.fieldnames or ())
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        for row in reader:
            try:
                received_at = datetime.fromisoformat(row["created_at"])
            except (TypeError, ValueError):
                continue
            department = (row.get("department") or "").strip()
            if not department:
                continue
            lat, lon = _float(row.get("lat")), _float(row.get("lon"))
            if lat is None or lon is None:
                lat = lon = None
            yield HistoricalRequest(
                request_id=row.get("request_id") or "",
                request=RoutingInput(
                    received_at=received_at,
                    service=row.get("service") or "",
                    subtype=row.get("subtype") or "",
                    details=row.get("details") or "",
                    lat=lat,
                    lon=lon,
                    address=row.get("address") or "",
                    channel=row.get("channel") or "",
                ),
                owner=Owner(department, (row.get("unit") or "").strip()),
            )

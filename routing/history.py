"""Past requests from a history CSV (format: one request per row, see the project README)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from routing.model import Owner, RoutingInput

REQUIRED_COLUMNS = frozenset({"created_at", "service", "department"})
_OPTIONAL_COLUMNS = ("request_id", "subtype", "details", "address", "lat", "lon", "channel", "unit")


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
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = REQUIRED_COLUMNS - set(header)
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        column = {name: i for i, name in enumerate(header)}
        # Optional columns read as "" when absent: an index past the end of every row.
        past = len(header) + 1
        get = {name: column.get(name, past) for name in _OPTIONAL_COLUMNS}
        created, service, department = (column[n] for n in ("created_at", "service", "department"))
        for row in reader:
            width = len(row)

            def cell(index: int, row: list[str] = row, width: int = width) -> str:
                return row[index] if index < width else ""

            try:
                received_at = datetime.fromisoformat(cell(created))
            except (TypeError, ValueError):
                continue
            owner = cell(department).strip()
            if not owner:
                continue
            lat, lon = _float(cell(get["lat"])), _float(cell(get["lon"]))
            if lat is None or lon is None:
                lat = lon = None
            yield HistoricalRequest(
                request_id=cell(get["request_id"]),
                request=RoutingInput(
                    received_at=received_at,
                    service=cell(service),
                    subtype=cell(get["subtype"]),
                    details=cell(get["details"]),
                    lat=lat,
                    lon=lon,
                    address=cell(get["address"]),
                    channel=cell(get["channel"]),
                ),
                owner=Owner(owner, cell(get["unit"]).strip()),
            )

"""Past requests from a history CSV (format: one request per row, see the project README)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from routing.bulk import collector_paused
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
    with collector_paused():
        return sorted(_rows(path), key=lambda row: row.request.received_at)


def _rows(path: Path) -> Iterator[HistoricalRequest]:
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        header = next(reader, [])
        missing = REQUIRED_COLUMNS - set(header)
        if missing:
            raise ValueError(f"{path}: missing columns {', '.join(sorted(missing))}")
        column = {name: i for i, name in enumerate(header)}
        # Optional columns read as "": absent ones point one past the header, and short rows
        # are padded up to there.
        past = len(header)
        width = past + 1
        blanks = [""] * width
        get = {name: column.get(name, past) for name in _OPTIONAL_COLUMNS}
        request_id, subtype, details, address, lat_at, lon_at, channel, unit = (
            get[name] for name in _OPTIONAL_COLUMNS
        )
        created, service, department = (column[n] for n in ("created_at", "service", "department"))
        # Owners repeat: one shared (immutable) instance per department and unit.
        owners: dict[tuple[str, str], Owner] = {}
        for row in reader:
            if len(row) < width:
                row += blanks[len(row) :]
            try:
                received_at = datetime.fromisoformat(row[created])
            except ValueError:
                continue
            key = (row[department].strip(), row[unit].strip())
            if not key[0]:
                continue
            owner = owners.get(key)
            if owner is None:
                owner = owners[key] = Owner(*key)
            lat, lon = _float(row[lat_at]), _float(row[lon_at])
            if lat is None or lon is None:
                lat = lon = None
            yield HistoricalRequest(
                request_id=row[request_id],
                request=RoutingInput(
                    received_at=received_at,
                    service=row[service],
                    subtype=row[subtype],
                    details=row[details],
                    lat=lat,
                    lon=lon,
                    address=row[address],
                    channel=row[channel],
                ),
                owner=owner,
            )

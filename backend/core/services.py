"""Writes on the city's organisation and geography."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Point, Polygon
from django.db import transaction
from django.utils.text import slugify

from core.errors import InvalidInput
from core.models import Address, Area


@dataclass(frozen=True)
class AreaImportResult:
    created: int
    updated: int
    skipped: list[str]


def as_multipolygon(geometry: GEOSGeometry) -> MultiPolygon:
    if geometry.srid in (None, 0):
        geometry.srid = 4326
    if geometry.srid != 4326:
        geometry.transform(4326)
    if not geometry.valid:
        # django-stubs lacks GEOSGeometry.make_valid (Django >= 4.1).
        geometry = geometry.make_valid()  # type: ignore[attr-defined]
    if isinstance(geometry, Polygon):
        return MultiPolygon(geometry, srid=4326)
    if isinstance(geometry, MultiPolygon):
        return geometry
    polygons = (
        [g for g in geometry if isinstance(g, Polygon)] if hasattr(geometry, "__iter__") else []
    )
    if not polygons:
        raise InvalidInput.field("geometry", f"Expected polygons, got {geometry.geom_type}.")
    return MultiPolygon(*polygons, srid=4326)


@transaction.atomic
def area_upsert(
    *, kind: str, name: str, geometry: GEOSGeometry, agency: str = ""
) -> tuple[Area, bool]:
    kind_slug = slugify(kind)
    if not kind_slug or not name.strip():
        raise InvalidInput({"kind": ["Required."]} if not kind_slug else {"name": ["Required."]})
    area, created = Area.objects.update_or_create(
        kind=kind_slug,
        slug=slugify(name)[:120] or "area",
        defaults={
            "name": name.strip()[:200],
            "agency": agency,
            "geometry": as_multipolygon(geometry),
        },
    )
    return area, created


def area_import_features(
    *,
    features: Iterable[Mapping[str, Any]],
    kind: str,
    name_property: str = "name",
    agency: str = "",
) -> AreaImportResult:
    """Import GeoJSON features as areas of one kind; re-importing updates them in place."""
    created = updated = 0
    skipped: list[str] = []
    for index, feature in enumerate(features):
        properties = feature.get("properties") or {}
        name = str(properties.get(name_property) or "").strip()
        if not name:
            skipped.append(f"feature {index}: no {name_property!r} property")
            continue
        try:
            geometry = GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)
            _, was_created = area_upsert(kind=kind, name=name, geometry=geometry, agency=agency)
        except (KeyError, TypeError, ValueError, GEOSException, InvalidInput) as exc:
            skipped.append(f"feature {index} ({name}): {exc}")
            continue
        created += was_created
        updated += not was_created
    return AreaImportResult(created=created, updated=updated, skipped=skipped)


@dataclass(frozen=True)
class AddressImportResult:
    imported: int
    skipped: list[str]


ADDRESS_COLUMNS = ("address_id", "address", "lat", "long")
ADDRESS_BATCH = 2000


def address_search_text(text: str) -> str:
    """The form addresses are searched in: lower case, single spaces, no punctuation."""
    return " ".join(text.lower().replace(",", " ").replace(".", " ").split())


def _address_from_row(row: Mapping[str, Any]) -> Address:
    address_id = str(row.get("address_id") or "").strip()
    full_address = " ".join(str(row.get("address") or "").split())
    if not address_id or not full_address:
        raise ValueError("address_id and address are required")
    if len(address_id) > 100 or len(full_address) > 300:
        raise ValueError("address_id or address too long")
    lat, long = float(str(row.get("lat"))), float(str(row.get("long")))
    if not (-90 <= lat <= 90 and -180 <= long <= 180):
        raise ValueError("lat/long out of range")
    street = " ".join(str(row.get("street") or "").split())[:200]
    if not street:
        # "1200 Oak Street" -> "Oak Street": the street name alone is searchable too.
        first, _, rest = full_address.partition(" ")
        street = rest if first[:1].isdigit() else full_address
    return Address(
        address_id=address_id,
        full_address=full_address,
        street=street[:200],
        zipcode=str(row.get("zipcode") or "").strip()[:20],
        location=Point(long, lat, srid=4326),
        search_text=address_search_text(full_address),
        street_search_text=address_search_text(street)[:200],
    )


def _address_save(batch: list[Address]) -> None:
    Address.objects.bulk_create(
        batch,
        update_conflicts=True,
        unique_fields=["address_id"],
        update_fields=[
            "full_address",
            "street",
            "zipcode",
            "location",
            "search_text",
            "street_search_text",
        ],
    )


@transaction.atomic
def address_import_rows(*, rows: Iterable[Mapping[str, Any]]) -> AddressImportResult:
    """Load the city's address points (CSV rows: address_id, address, lat, long, and
    optionally zipcode, street); a row with the same address_id replaces the old one. Rows
    that cannot be read are skipped and listed by line, never half-loaded."""
    imported = 0
    skipped: list[str] = []
    batch: dict[str, Address] = {}
    for line, row in enumerate(rows, start=2):  # line 1 is the header
        try:
            address = _address_from_row(row)
        except (TypeError, ValueError) as exc:
            skipped.append(f"line {line}: {exc}")
            continue
        batch[address.address_id] = address
        if len(batch) >= ADDRESS_BATCH:
            _address_save(list(batch.values()))
            imported += len(batch)
            batch = {}
    if batch:
        _address_save(list(batch.values()))
        imported += len(batch)
    return AddressImportResult(imported=imported, skipped=skipped)

"""Writes on the city's organisation and geography."""

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.contrib.gis.geos import GEOSException, GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction
from django.utils.text import slugify

from core.errors import InvalidInput
from core.models import Area


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

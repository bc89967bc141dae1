"""Which areas a point lies in: one spatial index per kind of area, prepared polygons.

A point a few metres outside every polygon of a kind (a geocode on the kerb of a boundary
street, a rounding of coordinates) is matched to the nearest polygon within the tolerance,
so it is routed rather than bounced to triage.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely import STRtree
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from routing.model import AreaHit

METRES_PER_DEGREE = 111_320.0
DEFAULT_TOLERANCE_M = 30.0


@dataclass(frozen=True, slots=True)
class Area:
    kind: str
    name: str
    geometry: BaseGeometry
    agency: str = ""


class _KindIndex:
    """Polygons of one kind: bucketed by a uniform grid for containment, an STRtree for nearest.

    The grid answers "which polygons could contain this point" with one dictionary lookup
    and no geometry object built per query, which is what keeps routing in microseconds;
    the STRtree is only used for the rare point that falls just outside every polygon.
    """

    def __init__(self, areas: Sequence[Area]) -> None:
        self.areas = list(areas)
        geometries = [a.geometry for a in self.areas]
        for geometry in geometries:
            shapely.prepare(geometry)
        self.geometries = geometries
        self.tree = STRtree(geometries)
        # Hits are immutable: one per area, shared by every point found in it.
        self._hits = [AreaHit(kind=a.kind, name=a.name, agency=a.agency) for a in self.areas]
        self._buckets: dict[tuple[int, int], list[int]] = {}
        bounds = [tuple(g.bounds) for g in geometries]
        self._bounds = bounds
        min_x = min(b[0] for b in bounds)
        min_y = min(b[1] for b in bounds)
        max_x = max(b[2] for b in bounds)
        max_y = max(b[3] for b in bounds)
        # Half a polygon's width per bucket: few candidates per point, few buckets per polygon.
        self._size = max(math.sqrt((max_x - min_x) * (max_y - min_y) / len(geometries)) / 2, 1e-6)
        for index, (x0, y0, x1, y1) in enumerate(bounds):
            for i in range(self._bucket(x0), self._bucket(x1) + 1):
                for j in range(self._bucket(y0), self._bucket(y1) + 1):
                    self._buckets.setdefault((i, j), []).append(index)

    def _bucket(self, value: float) -> int:
        return math.floor(value / self._size)

    def locate(self, lon: float, lat: float, tolerance_m: float) -> AreaHit | None:
        bounds = self._bounds
        for index in self._buckets.get((self._bucket(lon), self._bucket(lat)), ()):
            x0, y0, x1, y1 = bounds[index]
            if (
                x0 <= lon <= x1
                and y0 <= lat <= y1
                and shapely.intersects_xy(self.geometries[index], lon, lat)
            ):
                area = self.areas[index]
                return AreaHit(kind=area.kind, name=area.name, agency=area.agency)
        if tolerance_m <= 0:
            return None
        point = shapely.Point(lon, lat)
        # Longitude degrees shrink towards the poles; search with the wider latitude reach.
        reach = tolerance_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
        nearest = self.tree.query_nearest(point, max_distance=reach, return_distance=True)
        indices, distances = nearest
        if len(indices) == 0:
            return None
        index, degrees = int(indices[0]), float(distances[0])
        metres = degrees * METRES_PER_DEGREE * math.cos(math.radians(lat))
        if metres > tolerance_m:
            return None
        area = self.areas[index]
        return AreaHit(kind=area.kind, name=area.name, agency=area.agency, distance_m=round(metres))

    def locate_many(
        self, lons: Sequence[float], lats: Sequence[float], tolerance_m: float
    ) -> list[AreaHit | None]:
        """`locate` for many points at once: one spatial query in C instead of one call each."""
        xs, ys = np.asarray(lons, dtype=float), np.asarray(lats, dtype=float)
        # Candidates by bounding box, then each polygon tests its candidates in one call,
        # on its prepared geometry (the tree's own predicates would not use it).
        inputs, found = self.tree.query(shapely.points(xs, ys))
        order = np.argsort(found, kind="stable")
        inputs, found = inputs[order], found[order]
        best = np.full(len(xs), len(self.areas))
        indices, starts = np.unique(found, return_index=True)
        ends = [*starts.tolist()[1:], len(found)] if len(starts) else []
        for index, start, end in zip(indices.tolist(), starts.tolist(), ends, strict=True):
            candidates = inputs[start:end]
            inside = candidates[
                shapely.intersects_xy(self.geometries[index], xs[candidates], ys[candidates])
            ]
            # The lowest index wins, as in `locate`, whose buckets list polygons in order.
            best[inside] = np.minimum(best[inside], index)
        missing = len(self.areas)
        hits: list[AreaHit | None] = []
        for point, index in enumerate(best.tolist()):
            if index == missing:
                hits.append(self.locate(lons[point], lats[point], tolerance_m))
            else:
                hits.append(self._hits[index])
        return hits


class AreaIndex:
    """All the areas a city routes by, looked up in a few microseconds per point."""

    def __init__(self, areas: Iterable[Area], *, tolerance_m: float = DEFAULT_TOLERANCE_M) -> None:
        by_kind: dict[str, list[Area]] = {}
        for area in areas:
            if area.geometry.is_empty:
                continue
            by_kind.setdefault(area.kind, []).append(area)
        self.kinds = tuple(by_kind)
        self.tolerance_m = tolerance_m
        self._indexes = {kind: _KindIndex(found) for kind, found in by_kind.items()}

    def __len__(self) -> int:
        return sum(len(index.areas) for index in self._indexes.values())

    def locate(self, lon: float, lat: float) -> tuple[AreaHit, ...]:
        """At most one area of each kind: the one containing the point, else the nearest."""
        hits = []
        for index in self._indexes.values():
            hit = index.locate(lon, lat, self.tolerance_m)
            if hit is not None:
                hits.append(hit)
        return tuple(hits)

    def locate_many(
        self, points: Sequence[tuple[float, float] | None]
    ) -> list[tuple[AreaHit, ...]]:
        """`locate` for each (lon, lat) point, or () where there is none, in one pass."""
        where = [i for i, point in enumerate(points) if point is not None]
        lons = [points[i][0] for i in where]  # type: ignore[index]
        lats = [points[i][1] for i in where]  # type: ignore[index]
        found: list[list[AreaHit]] = [[] for _ in points]
        if not where:
            return [() for _ in points]
        for index in self._indexes.values():
            for position, hit in zip(
                where, index.locate_many(lons, lats, self.tolerance_m), strict=True
            ):
                if hit is not None:
                    found[position].append(hit)
        return [tuple(hits) for hits in found]


def areas_from_geojson(
    data: dict[str, Any], *, kind: str | None = None, name_property: str = "name"
) -> list[Area]:
    """Areas from a FeatureCollection; `kind` overrides each feature's `kind` property."""
    features = data.get("features")
    if data.get("type") != "FeatureCollection" or not isinstance(features, list):
        raise ValueError("not a GeoJSON FeatureCollection")
    areas = []
    for number, feature in enumerate(features, start=1):
        properties = feature.get("properties") or {}
        geometry = feature.get("geometry")
        area_kind = kind or properties.get("kind")
        name = properties.get(name_property)
        if not geometry or not area_kind or name in (None, ""):
            raise ValueError(f"feature {number} needs a geometry, a kind and a {name_property!r}")
        polygon = shape(geometry)
        if not polygon.is_valid:
            polygon = shapely.make_valid(polygon)
        areas.append(
            Area(
                kind=str(area_kind),
                name=str(name),
                geometry=polygon,
                agency=str(properties.get("agency") or ""),
            )
        )
    return areas


def load_area_files(paths: Iterable[Path]) -> list[Area]:
    areas: list[Area] = []
    for path in paths:
        with path.open(encoding="utf-8") as handle:
            areas.extend(areas_from_geojson(json.load(handle)))
    return areas

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
from shapely.geometry import box, shape
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


@dataclass(frozen=True, slots=True)
class _Cell:
    """What one small square of the grid needs to place its points."""

    # The area that covers the whole square (its lowest-numbered candidate): no test needed.
    inside: AreaHit | None
    # Areas within the boundary tolerance of the square, lowest index first; none: no area.
    candidates: tuple[int, ...]


_NOWHERE = _Cell(None, ())
# Squares per side of a bucket (half a polygon's width): small enough that most squares lie
# wholly inside one area or far from every one, and a coastline cut to a square is short.
_CELLS_PER_BUCKET = 8
_BLOCK = 8


class _KindIndex:
    """Polygons of one kind, placed through a grid of small squares filled as points arrive.

    A square wholly inside an area answers at once, one far from every area answers
    "nowhere" at once; only squares on a boundary test the point, on the prepared polygons
    of their few candidates. A point outside every polygon but near one (a geocode in the
    water off a ragged coastline) is measured against the coastline cut to its square,
    a few dozen vertices instead of the whole shore. The answers are exactly those of the
    polygons themselves: a square is "inside" only if its area covers it, "nowhere" only if
    no area comes within the tolerance, and a cut keeps every point within the tolerance.
    """

    def __init__(self, areas: Sequence[Area], tolerance_m: float = DEFAULT_TOLERANCE_M) -> None:
        self.areas = list(areas)
        geometries = [a.geometry for a in self.areas]
        for geometry in geometries:
            shapely.prepare(geometry)
        self.geometries = geometries
        self.tree = STRtree(geometries)
        self.tolerance_m = tolerance_m
        # Hits are immutable: one per area, shared by every point found in it.
        self._hits = [AreaHit(kind=a.kind, name=a.name, agency=a.agency) for a in self.areas]
        bounds = [tuple(g.bounds) for g in geometries]
        self._bounds = bounds
        min_x = min(b[0] for b in bounds)
        min_y = min(b[1] for b in bounds)
        max_x = max(b[2] for b in bounds)
        max_y = max(b[3] for b in bounds)
        size = max(math.sqrt((max_x - min_x) * (max_y - min_y) / len(geometries)) / 2, 1e-6)
        self._size = size / _CELLS_PER_BUCKET
        reach = self._reach(max(abs(min_y), abs(max_y)))
        self._extent = (min_x - reach, min_y - reach, max_x + reach, max_y + reach)
        self._cells: dict[tuple[int, int], _Cell] = {}
        self._cuts: dict[tuple[int, int], tuple[tuple[int, BaseGeometry], ...]] = {}
        self._blocks: dict[tuple[int, int, int], BaseGeometry] = {}

    def _reach(self, lat: float) -> float:
        """The tolerance in degrees at this latitude (longitude degrees shrink poleward)."""
        if self.tolerance_m <= 0:
            return 0.0
        return self.tolerance_m / (METRES_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))

    def _square(self, i: int, j: int, cells: int = 1) -> tuple[float, float, float, float]:
        """Square (i, j) of `cells` grid cells per side, grown by the tolerance (and 1%)."""
        x0, y0 = i * cells * self._size, j * cells * self._size
        x1, y1 = x0 + cells * self._size, y0 + cells * self._size
        reach = self._reach(max(abs(y0), abs(y1))) * 1.01
        return x0 - reach, y0 - reach, x1 + reach, y1 + reach

    def locate(self, lon: float, lat: float) -> AreaHit | None:
        key = (math.floor(lon / self._size), math.floor(lat / self._size))
        cell = self._cells.get(key)
        if cell is None:
            cell = self._cell(key, lon, lat)
        if cell.inside is not None:
            return cell.inside
        bounds = self._bounds
        for index in cell.candidates:
            x0, y0, x1, y1 = bounds[index]
            if (
                x0 <= lon <= x1
                and y0 <= lat <= y1
                and shapely.intersects_xy(self.geometries[index], lon, lat)
            ):
                return self._hits[index]
        if not cell.candidates or self.tolerance_m <= 0:
            return None
        return self._nearest(key, cell, lon, lat)

    def _cell(self, key: tuple[int, int], lon: float, lat: float) -> _Cell:
        x0, y0, x1, y1 = self._extent
        if not (x0 <= lon <= x1 and y0 <= lat <= y1):
            return _NOWHERE  # far outside every area: not worth remembering
        grown = box(*self._square(*key))
        candidates = tuple(
            sorted(
                int(index)
                for index in self.tree.query(grown)
                if shapely.intersects(self.geometries[index], grown)
            )
        )
        inside = None
        if candidates:
            own = box(
                key[0] * self._size,
                key[1] * self._size,
                (key[0] + 1) * self._size,
                (key[1] + 1) * self._size,
            )
            if shapely.covers(self.geometries[candidates[0]], own):
                inside = self._hits[candidates[0]]
        cell = self._cells[key] = _Cell(inside, candidates)
        return cell

    def _nearest(self, key: tuple[int, int], cell: _Cell, lon: float, lat: float) -> AreaHit | None:
        cuts = self._cuts.get(key)
        if cuts is None:
            cuts = self._cuts[key] = self._cut(key, cell)
        point = shapely.Point(lon, lat)
        found = min(((float(shapely.distance(cut, point)), i) for i, cut in cuts), default=None)
        if found is None:
            return None
        degrees, index = found
        metres = degrees * METRES_PER_DEGREE * math.cos(math.radians(lat))
        if degrees > self._reach(lat) or metres > self.tolerance_m:
            return None
        area = self.areas[index]
        # Rounded up: a point a few centimetres outside is still outside (0 means inside).
        return AreaHit(
            kind=area.kind, name=area.name, agency=area.agency, distance_m=math.ceil(metres)
        )

    def _cut(self, key: tuple[int, int], cell: _Cell) -> tuple[tuple[int, BaseGeometry], ...]:
        """Each candidate cut to the grown square, through the cut of its block of squares
        (cutting a whole coastline once per block, not once per square)."""
        grown = box(*self._square(*key))
        block = (key[0] // _BLOCK, key[1] // _BLOCK)
        cuts = []
        for index in cell.candidates:
            coarse = self._blocks.get((index, *block))
            if coarse is None:
                coarse = shapely.intersection(
                    self.geometries[index], box(*self._square(*block, cells=_BLOCK))
                )
                self._blocks[(index, *block)] = coarse
            cut = shapely.intersection(coarse, grown)
            if not cut.is_empty:
                cuts.append((index, cut))
        return tuple(cuts)

    def locate_many(self, lons: Sequence[float], lats: Sequence[float]) -> list[AreaHit | None]:
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
                hits.append(self.locate(lons[point], lats[point]))
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
        self._indexes = {kind: _KindIndex(found, tolerance_m) for kind, found in by_kind.items()}

    def __len__(self) -> int:
        return sum(len(index.areas) for index in self._indexes.values())

    def locate(self, lon: float, lat: float) -> tuple[AreaHit, ...]:
        """At most one area of each kind: the one containing the point, else the nearest."""
        hits = []
        for index in self._indexes.values():
            hit = index.locate(lon, lat)
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
            for position, hit in zip(where, index.locate_many(lons, lats), strict=True):
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

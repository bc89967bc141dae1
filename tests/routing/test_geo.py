"""Point lookups near ragged coastlines: the grid of squares answers as the polygons do."""

import math
import random

import shapely
from shapely.geometry import MultiPolygon, Point, Polygon, box

from routing.geo import METRES_PER_DEGREE, Area, AreaIndex


def shore(seed: int) -> MultiPolygon:
    """Land below a jagged shore of 2,000 vertices, a bay cut into it, and islands."""
    rng = random.Random(seed)
    edge = [
        (0.1 * n / 2000, 0.05 + 0.004 * math.sin(n / 9) + rng.uniform(-3e-4, 3e-4))
        for n in range(2001)
    ]
    land = Polygon([(0.0, 0.0), *edge, (0.1, 0.0)]).difference(box(0.03, 0.045, 0.035, 0.06))
    islands = [Point(0.06, 0.058).buffer(0.001), box(0.08, 0.06, 0.0802, 0.0602)]
    parts = list(getattr(land, "geoms", [land])) + islands
    return MultiPolygon(parts)


def expected(areas: list[Area], lon: float, lat: float, tolerance_m: float) -> tuple[str, int]:
    """By brute force on the whole polygons: the first containing area, else the nearest
    within the tolerance (0: inside; metres outside rounded up)."""
    point = Point(lon, lat)
    for area in areas:
        if area.geometry.intersects(point):
            return area.name, 0
    degrees, index = min((a.geometry.distance(point), i) for i, a in enumerate(areas))
    metres = degrees * METRES_PER_DEGREE * math.cos(math.radians(lat))
    return (areas[index].name, math.ceil(metres)) if metres <= tolerance_m else ("", 0)


def test_lookups_near_a_coastline_match_the_polygons_exactly() -> None:
    land = shore(3)
    areas = [
        Area("district", "North", box(0.0, 0.03, 0.05, 0.07).intersection(land)),
        Area("district", "South", land),  # overlaps North: the first listed wins
        Area("district", "Harbour", box(0.05, 0.05, 0.1, 0.07).difference(land)),
    ]
    index = AreaIndex(areas, tolerance_m=30.0)
    rng = random.Random(4)
    vertices = shapely.get_coordinates(land.boundary)
    points = [(rng.uniform(-0.01, 0.11), rng.uniform(-0.01, 0.08)) for _ in range(500)]
    points += [
        (x + rng.uniform(-5e-4, 5e-4), y + rng.uniform(-5e-4, 5e-4))
        for x, y in vertices[rng.sample(range(len(vertices)), 700)]
    ]
    near = 0
    for lon, lat in points * 2:  # the second pass answers from squares already filled
        hits = index.locate(lon, lat)
        found = (hits[0].name, int(hits[0].distance_m)) if hits else ("", 0)
        assert found == expected(areas, lon, lat, 30.0), (lon, lat)
        near += bool(hits) and hits[0].distance_m > 0
    assert near > 0
    assert index.locate_many(points) == [index.locate(lon, lat) for lon, lat in points]

"""Riverton's shapes, made from a few coordinates so the demo needs no data files."""

from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon

CENTRE = (-89.40, 43.07)

CITY_LIMITS = Polygon(
    (
        (-89.485, 43.020),
        (-89.400, 43.012),
        (-89.318, 43.025),
        (-89.305, 43.080),
        (-89.330, 43.125),
        (-89.410, 43.132),
        (-89.478, 43.118),
        (-89.495, 43.070),
        (-89.485, 43.020),
    ),
    srid=4326,
)

# A state highway crossing the city: owned by the state DOT, not by Streets and Roads.
STATE_HIGHWAY = LineString(
    (-89.500, 43.045), (-89.430, 43.060), (-89.380, 43.072), (-89.300, 43.095), srid=4326
).buffer(0.0006)

COUNTY_PARK = Polygon(
    ((-89.350, 43.100), (-89.325, 43.100), (-89.325, 43.118), (-89.350, 43.118), (-89.350, 43.100)),
    srid=4326,
)


def council_districts() -> list[tuple[str, MultiPolygon]]:
    """Six districts: the city limits cut by a 3 × 2 grid."""
    min_lon, min_lat, max_lon, max_lat = CITY_LIMITS.extent
    columns, rows = 3, 2
    width, height = (max_lon - min_lon) / columns, (max_lat - min_lat) / rows
    districts = []
    number = 1
    for row in range(rows):
        for column in range(columns):
            cell = Polygon.from_bbox(
                (
                    min_lon + column * width,
                    min_lat + row * height,
                    min_lon + (column + 1) * width,
                    min_lat + (row + 1) * height,
                )
            )
            cell.srid = 4326
            piece = CITY_LIMITS.intersection(cell)
            shape = piece if isinstance(piece, MultiPolygon) else MultiPolygon(piece, srid=4326)
            districts.append((f"Council District {number}", shape))
            number += 1
    return districts


EAST_WEST_STREETS = [
    "Oak Street",
    "Elm Street",
    "Maple Street",
    "Cedar Street",
    "Pine Street",
    "Walnut Street",
    "Birch Street",
    "Willow Street",
    "Chestnut Street",
    "Spruce Street",
    "Aspen Street",
    "Hickory Street",
    "Linden Street",
    "Poplar Street",
    "Sycamore Street",
    "Magnolia Street",
    "Juniper Street",
]


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def demo_addresses() -> list[dict[str, str]]:
    """About 2,500 address points on a street grid inside the city limits, in the
    `import_addresses` CSV shape: streets every ~800 m, a house every ~200 m."""
    min_lon, min_lat, max_lon, max_lat = CITY_LIMITS.extent
    rows: list[dict[str, str]] = []
    lat_step, lon_step = 0.0072, 0.0098  # ~800 m between streets
    house_lat, house_lon = 0.0018, 0.00245  # ~200 m between houses

    def add(number: int, street: str, lon: float, lat: float) -> None:
        if CITY_LIMITS.contains(Point(lon, lat, srid=4326)):
            zipcode = "53703" if lat > CENTRE[1] else "53715"
            rows.append(
                {
                    "address_id": f"RIV-{len(rows) + 1:05d}",
                    "address": f"{number} {street}",
                    "street": street,
                    "zipcode": zipcode,
                    "lat": f"{lat:.6f}",
                    "long": f"{lon:.6f}",
                }
            )

    for index, street in enumerate(EAST_WEST_STREETS):
        lat = min_lat + lat_step * (index + 1)
        steps = int((max_lon - min_lon) / house_lon)
        for step in range(steps):
            add(100 + step * 20, street, min_lon + step * house_lon, lat)
    avenue = 1
    lon = min_lon + lon_step
    while lon < max_lon:
        steps = int((max_lat - min_lat) / house_lat)
        for step in range(steps):
            add(
                100 + step * 20,
                f"{_ordinal(avenue)} Avenue",
                lon + 0.0003,
                min_lat + step * house_lat,
            )
        avenue += 1
        lon += lon_step
    return rows

"""What every page's layout needs: the city's name and the self-hosted asset versions."""

from django.conf import settings
from django.http import HttpRequest

USWDS = "vendor/uswds-3.14.0"
HTMX = "vendor/htmx-2.0.11"


def site(request: HttpRequest) -> dict[str, object]:
    return {
        "city_name": settings.CIVIC311_CITY_NAME,
        "uswds": USWDS,
        "htmx": HTMX,
        "basemap_url": settings.CIVIC311_BASEMAP_URL,
        "basemap_attribution": settings.CIVIC311_BASEMAP_ATTRIBUTION,
    }

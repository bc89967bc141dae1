"""What a city publishes about the service itself: its privacy notice and its
accessibility statement. Both name the city's own contact and retention from settings."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def _about_city() -> dict[str, object]:
    return {
        "privacy_contact": settings.CIVIC311_PRIVACY_CONTACT,
        "records_retention": settings.CIVIC311_RECORDS_RETENTION,
        "abandoned_photo_hours": settings.CIVIC311_PHOTO_ABANDONED_HOURS,
    }


def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/privacy.html", _about_city())


def accessibility(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/accessibility.html", _about_city())

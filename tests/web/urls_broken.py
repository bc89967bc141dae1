"""A URL configuration with a page that fails, to see the product's 500 page."""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from civic311.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


urlpatterns = [path("broken/", broken), *urlpatterns]

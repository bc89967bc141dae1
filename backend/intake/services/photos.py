"""Residents' photos: stored before the request exists, attached when it is created."""

from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from intake.images import PhotoRejected, photo_clean
from intake.models import RequestPhoto, ServiceRequest


@transaction.atomic
def request_photo_store(*, upload_key: str, source: IO[bytes], size: int) -> RequestPhoto:
    """Check and re-encode one upload (no EXIF, so no GPS) and store it with a thumbnail
    through the configured storage. Raises PhotoRejected with the reason."""
    if size > settings.CIVIC311_PHOTO_MAX_BYTES:
        raise PhotoRejected("too_large")
    clean = photo_clean(source)
    photo = RequestPhoto(upload_key=upload_key, width=clean.width, height=clean.height)
    photo.image.save("photo.jpg", ContentFile(clean.image), save=False)
    photo.thumbnail.save("thumb.jpg", ContentFile(clean.thumbnail), save=False)
    photo.save()
    return photo


def request_photos_kept(*, upload_key: str, keys: list[str]) -> list[RequestPhoto]:
    """The photos this form attempt uploaded and still wants, not yet attached to a request."""
    limit = settings.CIVIC311_PHOTOS_PER_REQUEST
    return list(
        RequestPhoto.objects.filter(upload_key=upload_key, key__in=keys[:limit], request=None)
    )


@transaction.atomic
def request_photos_attach(*, service_request: ServiceRequest, photos: list[RequestPhoto]) -> None:
    RequestPhoto.objects.filter(pk__in=[p.pk for p in photos], request=None).update(
        request=service_request
    )

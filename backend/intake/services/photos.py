"""Residents' photos: stored before the request exists, attached when it is created, and
removed (rows and files) when the report they were uploaded for was never sent."""

import logging
from datetime import datetime, timedelta
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

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


logger = logging.getLogger(__name__)
ABANDONED_BATCH = 500


@transaction.atomic
def request_photos_remove_abandoned(
    *, older_than: timedelta | None = None, now: datetime | None = None
) -> int:
    """Delete photos uploaded for a report that was never sent, once they are older than
    CIVIC311_PHOTO_ABANDONED_HOURS: their files, then their rows; how many went.

    The rows stay locked until the files are gone, so a form attaching one of them at that
    moment waits and then finds it gone; a file already missing is not an error, so a run
    that died half-way is simply done again by the next."""
    window = older_than or timedelta(hours=settings.CIVIC311_PHOTO_ABANDONED_HOURS)
    cutoff = (now or timezone.now()) - window
    photos = list(
        RequestPhoto.objects.select_for_update(skip_locked=True)
        .filter(request=None, created_at__lt=cutoff)
        .order_by("created_at")[:ABANDONED_BATCH]
    )
    for photo in photos:
        for stored in (photo.image, photo.thumbnail):
            if stored.name:
                stored.storage.delete(stored.name)
    RequestPhoto.objects.filter(pk__in=[p.pk for p in photos]).delete()
    if photos:
        logger.info("photos: removed %d never attached to a request", len(photos))
    return len(photos)

from celery import shared_task

from intake.services.photos import request_photos_remove_abandoned


@shared_task(name="intake.remove_abandoned_photos", ignore_result=True)
def remove_abandoned_photos() -> int:
    return request_photos_remove_abandoned()

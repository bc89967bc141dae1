from celery import shared_task

from work.services import requests_escalate_unacknowledged


@shared_task(name="work.escalate_unacknowledged")
def escalate_unacknowledged() -> int:
    return requests_escalate_unacknowledged()

from celery import shared_task

from work.timeliness import (
    requests_escalate_unacknowledged,
    service_requests_flag_at_risk,
    service_requests_send_still_on_it,
)


@shared_task(name="work.escalate_unacknowledged", ignore_result=True)
def escalate_unacknowledged() -> int:
    return requests_escalate_unacknowledged()


@shared_task(name="work.flag_at_risk", ignore_result=True)
def flag_at_risk() -> int:
    return len(service_requests_flag_at_risk())


@shared_task(name="work.still_on_it", ignore_result=True)
def still_on_it() -> int:
    return service_requests_send_still_on_it()

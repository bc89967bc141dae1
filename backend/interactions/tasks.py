from datetime import timedelta

from celery import shared_task

from interactions import services

REMIND_BEFORE_MINUTES = 30


@shared_task(name="interactions.remind_commitments")
def remind_commitments() -> int:
    return len(services.commitments_remind_due(within=timedelta(minutes=REMIND_BEFORE_MINUTES)))


@shared_task(name="interactions.record_submissions")
def record_submissions() -> int:
    return services.interactions_record_submissions()


@shared_task(name="interactions.mark_broken_commitments")
def mark_broken_commitments() -> int:
    return services.commitments_mark_broken()


@shared_task(
    name="interactions.send_commitment_reminder",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=5,
)
def send_commitment_reminder(commitment_id: int) -> bool:
    return services.commitment_send_reminder(commitment_id=commitment_id)

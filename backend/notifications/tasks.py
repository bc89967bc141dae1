from celery import Task, shared_task

from notifications.services import outbox_deliver, outbox_dispatch, outbox_sweep


@shared_task(bind=True, name="notifications.deliver", ignore_result=True, max_retries=None)
def deliver_outbox_message(self: Task, message_id: int) -> str:  # type: ignore[type-arg]
    outcome = outbox_deliver(message_id=message_id)
    if outcome.status == "retry" and outcome.retry_in is not None:
        # Transient failures only; the outbox row keeps the count and gives up at its limit.
        raise self.retry(countdown=outcome.retry_in)
    return outcome.status


@shared_task(name="notifications.sweep", ignore_result=True)
def sweep_outbox() -> int:
    """Safety net: messages whose task was lost (broker down, worker killed) are queued again."""
    return outbox_sweep()


@shared_task(name="notifications.dispatch", ignore_result=True)
def dispatch_outbox() -> int:
    """Hand every new message to a delivery task; woken after the commits that wrote them."""
    return outbox_dispatch()

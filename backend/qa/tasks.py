from celery import shared_task

from qa import services


@shared_task(name="qa.sampling")
def run_sampling() -> int:
    return services.sampling_open_current_and_draw_past()

import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

logger = logging.getLogger(__name__)

HEARTBEAT_KEY = "civic311:worker-heartbeat"


@shared_task(ignore_result=True)
def record_heartbeat() -> None:
    """Beat → worker round trip; operators read the key to see both are alive."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=600)

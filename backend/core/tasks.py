import logging

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from core.health import HEARTBEAT_KEY

logger = logging.getLogger(__name__)


@shared_task(ignore_result=True)
def record_heartbeat() -> None:
    """Beat → worker round trip; readiness (/healthz/ready) reads the key to see both are alive."""
    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=600)

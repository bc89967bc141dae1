"""Health, in two faces.

Liveness (`/healthz/live`): this process answers; nothing else is checked, so a supervisor or
orchestrator restarts a process only when the process itself is stuck.

Readiness (`/healthz/ready`): the process can do its work: the database and the broker answer,
the oldest due outbox message has waited less than CIVIC311_READY_OUTBOX_MAX_AGE_SECONDS (a
worker is delivering) and the last beat tick, run by a worker, is younger than
CIVIC311_READY_BEAT_MAX_AGE_SECONDS (beat and a worker are alive). Departments whose
configuration routing cannot use are listed; they make readiness "degraded", not 503, because
intake goes on without them (their requests go to triage).

`/healthz` answers as before: the database and the broker.
"""

import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone
from kombu import Connection

logger = logging.getLogger(__name__)

# Written by core.tasks.record_heartbeat, which beat schedules and a worker runs.
HEARTBEAT_KEY = "civic311:worker-heartbeat"


def check_database() -> str | None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT PostGIS_Lib_Version()")
            cursor.fetchone()
    except Exception as exc:  # any failure means "unhealthy", reported, never raised
        logger.warning("health: database unavailable", exc_info=exc)
        return type(exc).__name__
    return None


def check_broker() -> str | None:
    # The transport options carry Sentinel's master_name: without them a sentinel:// broker
    # cannot name its master, so readiness would fail while Celery itself works.
    options = dict(settings.CELERY_BROKER_TRANSPORT_OPTIONS)
    try:
        with Connection(
            settings.CELERY_BROKER_URL, connect_timeout=2, transport_options=options
        ) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health: broker unavailable", exc_info=exc)
        # Only the error class goes out: /healthz is public, connection details stay in the log.
        return type(exc).__name__
    return None


def check_outbox() -> str | None:
    """The oldest message that is due and still pending has not waited too long."""
    from notifications.models import MessageStatus, OutboxMessage

    now = timezone.now()
    try:
        oldest = (
            OutboxMessage.objects.filter(status=MessageStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
    except Exception as exc:
        logger.warning("health: outbox unreadable", exc_info=exc)
        return type(exc).__name__
    if oldest is None:
        return None
    waited = (now - oldest).total_seconds()
    if waited > settings.CIVIC311_READY_OUTBOX_MAX_AGE_SECONDS:
        return f"oldest due message waiting {int(waited)} s"
    return None


def check_beat() -> str | None:
    """Beat schedules a heartbeat every minute and a worker records it."""
    try:
        raw = cache.get(HEARTBEAT_KEY)
    except Exception as exc:
        logger.warning("health: cache unavailable", exc_info=exc)
        return type(exc).__name__
    if raw is None:
        return "no beat tick recorded"
    try:
        age = (timezone.now() - datetime.fromisoformat(str(raw))).total_seconds()
    except ValueError:
        return "unreadable beat tick"
    if age > settings.CIVIC311_READY_BEAT_MAX_AGE_SECONDS:
        return f"last beat tick {int(age)} s ago"
    return None


def unusable_departments() -> dict[str, str]:
    """Departments routing skips because their configuration cannot be used."""
    from routing_adapter.router import current_directory

    try:
        return dict(current_directory().unusable)
    except Exception as exc:
        logger.warning("health: routing directory unavailable", exc_info=exc)
        return {}


def routing_engine_status() -> dict[str, Any]:
    """How old this process's routing engine is and whether its last rebuild failed."""
    from routing_adapter.router import engine_status

    return engine_status()


def _report(checks: dict[str, str | None]) -> tuple[bool, dict[str, Any]]:
    healthy = all(error is None for error in checks.values())
    return healthy, {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if error is None else error for name, error in checks.items()},
    }


def health_report() -> tuple[bool, dict[str, Any]]:
    return _report({"database": check_database(), "broker": check_broker()})


def readiness_report() -> tuple[bool, dict[str, Any]]:
    database = check_database()
    checks = {
        "database": database,
        "broker": check_broker(),
        # Without the database neither can be read; say so once.
        "outbox": check_outbox() if database is None else "database unavailable",
        "beat": check_beat(),
    }
    ready, report = _report(checks)
    unusable = unusable_departments() if database is None else {}
    report["unusable_departments"] = unusable
    # A failed background rebuild keeps the last good engine serving: degraded, still ready.
    report["routing_engine"] = routing_engine_status()
    if ready and (unusable or report["routing_engine"].get("last_error")):
        report["status"] = "degraded"
    return ready, report

"""Liveness of what the service depends on: the database and the broker."""

import logging
from typing import Any

from django.conf import settings
from django.db import connection
from kombu import Connection

logger = logging.getLogger(__name__)


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
    try:
        with Connection(settings.CELERY_BROKER_URL, connect_timeout=2) as broker:
            broker.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        logger.warning("health: broker unavailable", exc_info=exc)
        # Only the error class goes out: /healthz is public, connection details stay in the log.
        return type(exc).__name__
    return None


def health_report() -> tuple[bool, dict[str, Any]]:
    checks = {"database": check_database(), "broker": check_broker()}
    healthy = all(error is None for error in checks.values())
    return healthy, {
        "status": "ok" if healthy else "unavailable",
        "checks": {name: "ok" if error is None else error for name, error in checks.items()},
    }

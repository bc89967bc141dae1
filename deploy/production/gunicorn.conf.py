"""Gunicorn settings for production: `gunicorn -c deploy/production/gunicorn.conf.py civic311.wsgi`.

Run with CIVIC311_ENV=production and PYTHONPATH=backend:. behind a TLS-terminating proxy.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Requests are CPU-bound Python: one worker per core plus one did best in bench/intake.
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never take the service down.
max_requests = 5000
max_requests_jitter = 500
accesslog = "-"
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# Gunicorn's control socket defaults to one path per user: give each deployment its own.
control_socket = os.environ.get(
    "GUNICORN_CONTROL_SOCKET",
    os.path.join(os.environ.get("CIVIC311_RUN_DIR", "/run/civic311"), "gunicorn.ctl"),
)

# Load the application in the master, once: workers fork with Django set up, the URLs,
# serializers imported and the templates compiled (civic311.warmup). Each worker then builds
# what needs its own database connection (the routing engine and its directory) before
# taking its first request, which otherwise paid about 5 s for it.
preload_app = True


def post_worker_init(worker: object) -> None:
    import gc
    import logging

    from django.db import close_old_connections
    from django.urls import get_resolver

    log = logging.getLogger("civic311.gunicorn")
    get_resolver().url_patterns  # noqa: B018  (imports every view module)
    try:
        from routing_adapter.router import current_directory, current_router

        current_router()
        current_directory()
    except Exception:  # the database may be down: the first request builds it then
        log.warning("worker warm-up: routing engine not built", exc_info=True)
    finally:
        close_old_connections()
    # The engine lives as long as the worker: out of the collector's full passes too.
    gc.freeze()

"""Open311 intake and delivery under faults: the figures issue 13 asks for.

Starts its own PostgreSQL cluster and Redis (restarting them disturbs nothing else), the
production stack on them (`deploy/production/run.sh`: nginx, gunicorn with two workers, a
Celery worker and beat under supervisord) and an SMTP sink, all on 127.0.0.1. Sends
`--requests` Open311 POSTs from `--clients` threads (each attempt its own device id and
Idempotency-Key; retried with the same body on a connection error, 5xx or 429) while it
restarts PostgreSQL, kills -9 a gunicorn worker, the Celery worker and beat (at 20, 40, 60
and 80% of the attempts), then waits up to 300 s for the outbox to drain.

Figures: accepted (2xx answers), stored (rows), missing (accepted, not stored), doubled (one
attempt stored twice), messages, delivered, delivered_twice (same Message-ID received twice:
delivery is at least once), and per fault the seconds until supervisord (or pg_ctl) had it
back and until the first 2xx to a request sent after it.

Usage: python bench/fault/run.py [--requests 2000] [--clients 4]
Needs the Debian packages of the local stack (PostgreSQL, PostGIS, Redis, nginx) and .venv.
Progress on stderr, one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]

from bench.fault.harness import run_faults  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    # Stopped from outside: still stop the processes it started (run_faults' finally).
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    result = run_faults(total=args.requests, clients=args.clients)
    result["load_average"] = [round(x, 2) for x in os.getloadavg()]
    print(json.dumps(result))


if __name__ == "__main__":
    main()

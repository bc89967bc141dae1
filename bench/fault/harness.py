"""Open311 intake and delivery under faults, on the production process layout.

A bounded load of Open311 POSTs (each attempt its own device id, also sent as an
Idempotency-Key header, and its own email address; retried with the same body on a
connection error or a 5xx, as a real client would) goes through nginx to gunicorn while the
run restarts PostgreSQL, kills -9 a gunicorn worker, the Celery worker and beat. Then it waits
(bounded) for the outbox to drain into the SMTP sink and counts: answers, rows, doubles,
deliveries, repeats, and how long each fault took to heal. `run_faults` returns the figures;
tests/fault asserts the guarantees, bench/fault/run.py prints them.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
import requests
import urllib3

from bench.fault.stack import (
    ROOT,
    PrivatePostgres,
    PrivateRedis,
    ProductionStack,
    Sink,
    wait_until,
)

ATTEMPT_LIMIT_S = 120.0  # one request, all its retries
LOAD_LIMIT_S = 900.0  # the whole load
RESTART_LIMIT_S = 120.0  # supervisord bringing a process back
DRAIN_LIMIT_S = 300.0  # the outbox reaching the sink after the load
FAULTS = ("postgresql restart", "gunicorn worker", "celery worker", "celery beat")


def log(message: str) -> None:
    print(f"[fault] {message}", file=sys.stderr, flush=True)


@dataclass
class Load:
    """What the clients saw. Times are time.monotonic()."""

    accepted: dict[int, str] = field(default_factory=dict)  # attempt -> service_request_id
    refused: dict[int, int] = field(default_factory=dict)  # attempt -> last status (0: none)
    answers: list[tuple[float, float, int]] = field(default_factory=list)  # sent, answered
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def done(self) -> int:
        with self.lock:
            return len(self.accepted) + len(self.refused)


def _post(session: requests.Session, url: str, body: dict[str, Any], key: str) -> tuple[int, Any]:
    try:
        # verify=False on the call itself: a CA bundle named in the environment would win
        # over the session's setting. The certificate is the stack's own, on 127.0.0.1.
        answer = session.post(
            url, data=body, headers={"Idempotency-Key": key}, timeout=30, verify=False
        )
    except requests.RequestException:
        return 0, None
    try:
        return answer.status_code, answer.json()
    except ValueError:
        return answer.status_code, None


def _attempt(
    session: requests.Session, url: str, body: dict[str, Any], key: str, load: Load
) -> Any:
    """One client attempt: the same body again after a connection error, a 5xx or a 429."""
    deadline = time.monotonic() + ATTEMPT_LIMIT_S
    pause, status, payload = 0.2, 0, None
    while time.monotonic() < deadline:
        sent = time.monotonic()
        status, payload = _post(session, url, body, key)
        with load.lock:
            load.answers.append((sent, time.monotonic(), status))
        if status and status < 500 and status != 429:
            break
        with load.lock:
            load.retries += 1
        time.sleep(pause)
        pause = min(pause * 2, 2.0)
    return status, payload


def _client(
    stack: ProductionStack, work: queue.Queue[int], plan: dict[str, Any], load: Load
) -> None:
    session = requests.Session()
    url = stack.url("/open311/v2/requests.json")
    shapes = plan["bodies"]
    while True:
        try:
            attempt = work.get_nowait()
        except queue.Empty:
            return
        key = f"fault-{plan['run']}-{attempt}"
        body = {
            **shapes[attempt % len(shapes)],
            "api_key": plan["api_key"],
            "device_id": key,
            "email": f"{key}@example.org",
            "description": f"Fault run attempt {attempt}",
        }
        status, payload = _attempt(session, url, body, key, load)
        with load.lock:
            if 200 <= status < 300 and isinstance(payload, list) and payload:
                load.accepted[attempt] = str(payload[0].get("service_request_id"))
            else:
                load.refused[attempt] = status


@dataclass
class Fault:
    name: str
    at: float = 0.0
    restarted_after_s: float | None = None
    first_2xx_after_s: float | None = None


def _inject(name: str, stack: ProductionStack, pg: PrivatePostgres) -> Callable[[], bool]:
    """Do the fault; return the check that supervisord (or pg_ctl) brought it back."""
    if name == "postgresql restart":
        pg.restart()  # returns once it accepts connections again
        return lambda: True
    if name == "gunicorn worker":
        master = stack.pid("web")
        workers = stack.children(master)
        os.kill(workers[0], signal.SIGKILL)
        return lambda: len([p for p in stack.children(master) if p != workers[0]]) >= len(workers)
    program = {"celery worker": "worker", "celery beat": "beat"}[name]
    before = stack.pid(program)
    os.kill(before, signal.SIGKILL)
    return lambda: stack.pid(program) not in (0, before)


def _faults_during(
    stack: ProductionStack, pg: PrivatePostgres, load: Load, total: int
) -> list[Fault]:
    """Each fault when its share of the attempts is done: 20%, 40%, 60%, 80%."""
    faults: list[Fault] = []
    for index, name in enumerate(FAULTS, start=1):
        threshold = total * index // (len(FAULTS) + 1)

        def reached(count: int = threshold) -> bool:
            return load.done() >= count

        wait_until(reached, LOAD_LIMIT_S, name)
        fault = Fault(name=name, at=time.monotonic())
        log(f"{name} after {load.done()} attempts")
        back = _inject(name, stack, pg)
        wait_until(back, RESTART_LIMIT_S, name, 0.1)
        fault.restarted_after_s = round(time.monotonic() - fault.at, 1)
        faults.append(fault)
    return faults


def _first_2xx(load: Load, faults: list[Fault]) -> None:
    for fault in faults:
        after = [
            done for sent, done, status in load.answers if sent >= fault.at and 200 <= status < 300
        ]
        fault.first_2xx_after_s = round(min(after) - fault.at, 2) if after else None


def _stored(pg: PrivatePostgres, run: str) -> tuple[Counter[str], list[str]]:
    with psycopg.connect(pg.admin_url("civic311")) as conn:
        rows = conn.execute(
            "SELECT requester_email FROM intake_servicerequest WHERE requester_email LIKE %s",
            [f"fault-{run}-%"],
        ).fetchall()
        keys = conn.execute(
            "SELECT o.key::text FROM notifications_outboxmessage o "
            "JOIN intake_servicerequest r ON r.id = o.request_id "
            "WHERE o.channel = 'email' AND r.requester_email LIKE %s",
            [f"fault-{run}-%"],
        ).fetchall()
    return Counter(str(r[0]).split("@")[0] for r in rows), [str(k[0]) for k in keys]


def _drain(pg: PrivatePostgres, sink: Sink, run: str, domain: str) -> tuple[float, list[str]]:
    """Seconds until every outbox email of the run reached the sink (bounded)."""
    started = time.monotonic()
    keys: list[str] = []

    def delivered() -> bool:
        nonlocal keys
        _, keys = _stored(pg, run)
        seen = set(sink.ids())
        return all(f"<{k}@{domain}>" in seen for k in keys)

    try:
        wait_until(delivered, DRAIN_LIMIT_S, "outbox drained into the sink", 1.0)
    except AssertionError:
        log("the outbox did not drain in time")
    return time.monotonic() - started, keys


def _prepare(pg: PrivatePostgres, redis: PrivateRedis) -> dict[str, Any]:
    env = {
        **os.environ,
        "CIVIC311_ENV": "test",
        "DATABASE_URL": pg.url,
        "REDIS_URL": redis.url,
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
    }
    for name in ("CELERY_BROKER_URL", "CACHE_URL"):
        env.pop(name, None)
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "fault" / "prepare.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    plan: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return plan


def _load(
    stack: ProductionStack, pg: PrivatePostgres, plan: dict[str, Any], total: int, clients: int
) -> tuple[Load, list[Fault], float]:
    load = Load()
    work: queue.Queue[int] = queue.Queue()
    for attempt in range(total):
        work.put(attempt)
    threads = [
        threading.Thread(target=_client, args=(stack, work, plan, load), daemon=True)
        for _ in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    try:
        faults = _faults_during(stack, pg, load, total)
    finally:
        for thread in threads:
            thread.join(max(1.0, LOAD_LIMIT_S - (time.monotonic() - started)))
    return load, faults, time.monotonic() - started


def figures(
    load: Load,
    faults: list[Fault],
    stored: Counter[str],
    keys: list[str],
    sink: Sink,
    domain: str,
    *,
    run: str,
    seconds: float,
    drain_s: float,
) -> dict[str, Any]:
    accepted_keys = {f"fault-{run}-{a}" for a in load.accepted}
    received = Counter(sink.ids())
    wanted = {f"<{k}@{domain}>" for k in keys}
    return {
        "attempts": len(load.accepted) + len(load.refused),
        "accepted": len(load.accepted),
        "not_accepted": len(load.refused),
        "not_accepted_statuses": sorted(set(load.refused.values())),
        "retries": load.retries,
        "stored": len(stored),
        "missing": len(accepted_keys - set(stored)),
        "stored_not_accepted": len(set(stored) - accepted_keys),
        "doubled": sum(1 for n in stored.values() if n > 1),
        "messages": len(keys),
        "delivered": len(wanted & set(received)),
        "undelivered": len(wanted - set(received)),
        "delivered_twice": sum(1 for m in wanted if received[m] > 1),
        "load_seconds": round(seconds, 1),
        "drain_seconds_after_load": round(drain_s, 1),
        "faults": {
            f.name: {
                "restarted_after_s": f.restarted_after_s,
                "first_2xx_after_s": f.first_2xx_after_s,
            }
            for f in faults
        },
    }


def _live(stack: ProductionStack) -> bool:
    try:
        return requests.get(stack.url("/healthz/live"), timeout=5, verify=False).ok
    except requests.RequestException:
        return False


def _start(stack: ProductionStack) -> None:
    """run.sh gives the stack 90 s; a loaded machine may need longer to start gunicorn."""
    try:
        stack.run("start")
    except RuntimeError:
        log("not up after run.sh's 90 s; waiting longer")
        wait_until(lambda: _live(stack), 240, "the production stack answering", 2.0)


def run_faults(*, total: int = 2000, clients: int = 4) -> dict[str, Any]:
    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    base = Path(tempfile.mkdtemp(prefix="civic311-fault-"))
    pg, redis, sink = PrivatePostgres(base), PrivateRedis(base), Sink()
    stack = ProductionStack(base, database_url=pg.url, redis_url=redis.url, smtp_port=sink.port)
    run = str(time.time_ns())
    domain = os.environ.get("CIVIC311_EMAIL_DOMAIN", "riverton.example.gov")
    started_stack = False
    try:
        pg.start()
        redis.start()
        sink.start()
        log("private PostgreSQL and Redis up; preparing the city")
        plan = {**_prepare(pg, redis), "run": run}
        log("starting the production stack")
        started_stack = True
        _start(stack)
        load, faults, seconds = _load(stack, pg, plan, total, clients)
        _first_2xx(load, faults)
        log(f"load done in {seconds:.0f} s; waiting for the outbox")
        drain_s, keys = _drain(pg, sink, run, domain)
        stored, _ = _stored(pg, run)
        return figures(
            load, faults, stored, keys, sink, domain, run=run, seconds=seconds, drain_s=drain_s
        )
    finally:
        if started_stack:
            try:
                stack.run("stop", timeout=180)
            except (RuntimeError, subprocess.TimeoutExpired) as error:
                log(f"stopping the stack: {error}")
        sink.stop()
        redis.stop()
        pg.stop()
        if os.environ.get("CIVIC311_FAULT_KEEP"):
            log(f"kept {base}")
        else:
            subprocess.run(["rm", "-rf", str(base)], check=False, timeout=120)

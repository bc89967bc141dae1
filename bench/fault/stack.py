"""The fault run's own processes: a private PostgreSQL/PostGIS cluster (so restarting it
disturbs no other test), a private Redis, an SMTP sink, and the production stack
(`deploy/production/run.sh`: nginx, gunicorn, a Celery worker and beat under supervisord)
pointed at them. Everything listens on 127.0.0.1; every wait is bounded."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from email import message_from_bytes
from pathlib import Path
from typing import Any

import psycopg
from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path(f"/usr/lib/postgresql/{os.environ.get('CIVIC311_PG_MAJOR', '15')}/bin")
VENV_BIN = Path(sys.executable).parent
RUN_SH = ROOT / "deploy" / "production" / "run.sh"
SUPERVISOR_CONF = ROOT / "deploy" / "production" / "supervisord.conf"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], bool], limit: float, what: str, step: float = 0.25) -> float:
    """Seconds until `check()` held; AssertionError after `limit` seconds."""
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if check():
            return time.monotonic() - started
        time.sleep(step)
    raise AssertionError(f"{what}: not within {limit:.0f} s")


def _as_owner(*command: str) -> list[str]:
    # PostgreSQL refuses to run as root: as root the cluster belongs to the postgres user.
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else list(command)


class PrivatePostgres:
    """A throwaway cluster with trust authentication on 127.0.0.1 only."""

    def __init__(self, base: Path) -> None:
        self.data = base / "pgdata"
        self.port = free_port()
        self.url = f"postgis://civic311@127.0.0.1:{self.port}/civic311"
        self.log = str(self.data / "server.log")

    def _ctl(self, *args: str, timeout: float = 120) -> None:
        # Never a pipe: the server pg_ctl starts would hold it open and the wait never end.
        with (self.data.parent / "pg_ctl.log").open("ab") as out:
            subprocess.run(
                _as_owner(str(PG_BIN / "pg_ctl"), "-D", str(self.data), *args),
                check=True,
                timeout=timeout,
                stdout=out,
                stderr=subprocess.STDOUT,
            )

    def start(self) -> None:
        self.data.mkdir(parents=True)
        if os.geteuid() == 0:
            shutil.chown(self.data.parent, "postgres")
            shutil.chown(self.data, "postgres")
        subprocess.run(
            _as_owner(
                str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "civic311", "--auth=trust",
                "-E", "UTF8", "--locale=C.UTF-8",
            ),
            check=True,
            timeout=180,
            capture_output=True,
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.data} -c fsync=off "
            "-c max_connections=100"
        )
        self._ctl("-l", self.log, "-w", "-t", "90", "start", "-o", options)
        with psycopg.connect(self.admin_url("postgres"), autocommit=True) as conn:
            conn.execute("CREATE DATABASE civic311")
        with psycopg.connect(self.admin_url("civic311"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")

    def admin_url(self, name: str) -> str:
        return f"postgresql://civic311@127.0.0.1:{self.port}/{name}"

    def restart(self) -> None:
        """Fast shutdown (open transactions are rolled back, clients cut off), then start."""
        self._ctl("-l", self.log, "-m", "fast", "-w", "-t", "90", "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("-m", "immediate", "-w", "-t", "60", "stop")


class PrivateRedis:
    def __init__(self, base: Path) -> None:
        self.dir = base / "redis"
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.dir.mkdir(parents=True)
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "/usr/bin/redis-server",
                "--bind", "127.0.0.1", "--port", str(self.port), "--dir", str(self.dir),
                "--save", "", "--appendonly", "no", "--protected-mode", "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_until(self._answers, 20, "private Redis")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


class Sink:
    """An SMTP server that keeps the Message-ID of everything it accepts."""

    def __init__(self) -> None:
        self.received: list[str] = []
        self._lock = threading.Lock()
        self.port = free_port()
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message_id = str(message_from_bytes(envelope.content)["Message-ID"])
        with self._lock:
            self.received.append(message_id)
        return "250 Message accepted"

    def ids(self) -> list[str]:
        with self._lock:
            return list(self.received)

    def start(self) -> None:
        self._controller.start()

    def stop(self) -> None:
        self._controller.stop()


def supervised_pid(env: dict[str, str], program: str) -> int:
    """The pid supervisord has for `program` of deploy/production (0 when it is not running)."""
    done = subprocess.run(
        [str(VENV_BIN / "supervisorctl"), "-c", str(SUPERVISOR_CONF), "pid", program],
        env={**env, "SUPERVISOR_NODAEMON": "false"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    text = done.stdout.strip()
    return int(text) if text.isdigit() else 0


def children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    try:
        return [int(p) for p in path.read_text().split()]
    except OSError:
        return []


class ProductionStack:
    """`deploy/production/run.sh` in a private run directory on free ports."""

    def __init__(self, base: Path, *, database_url: str, redis_url: str, smtp_port: int) -> None:
        self.https_port = free_port()
        self.env = {
            **os.environ,
            "CIVIC311_RUN_DIR": str(base / "run"),
            "CIVIC311_HTTPS_PORT": str(self.https_port),
            "CIVIC311_HTTP_PORT": str(free_port()),
            "CIVIC311_GUNICORN_PORT": str(free_port()),
            "WEB_CONCURRENCY": "2",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "DJANGO_EMAIL_HOST": "127.0.0.1",
            "DJANGO_EMAIL_PORT": str(smtp_port),
            "DJANGO_EMAIL_USE_TLS": "0",
            # A message whose task was lost (worker killed) is swept up after this long.
            "CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS": "15",
        }
        for name in ("CELERY_BROKER_URL", "CACHE_URL", "CIVIC311_BEAT_LOCK_URL"):
            self.env.pop(name, None)  # all of them follow the private REDIS_URL

    def run(self, *args: str, timeout: float = 600) -> None:
        done = subprocess.run(
            ["bash", str(RUN_SH), *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"run.sh {' '.join(args)} failed: {done.stderr[-3000:]}")

    def pid(self, program: str) -> int:
        return supervised_pid(self.env, program)

    @staticmethod
    def children(pid: int) -> list[int]:
        return children(pid)

    def url(self, path: str) -> str:
        return f"https://127.0.0.1:{self.https_port}{path}"

"""The processes of a cluster node, each in its own process group, each node on its own
loopback address (tests/cluster/addresses.py).

Every process is started in a new session (its own process group), so "kill -9 a node" kills
the node's whole tree (gunicorn's master and workers, a Celery worker and its pool, a
postmaster and its backends) as a lost machine would, and the finalizer leaves nothing behind.
PostgreSQL and PgBouncer refuse to run as root: as root they run as the `postgres` user.
"""

import contextlib
import os
import pwd
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

PG_BIN = Path(os.environ.get("CIVIC311_PG_BIN", "/usr/lib/postgresql/15/bin"))


def free_port(host: str) -> int:
    """A port free on this (loopback) address now, for a server that binds it next."""
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def wait_until(what: str, check: Callable[[], bool], seconds: float, step: float = 0.2) -> float:
    """Poll `check` until it is true; the seconds it took. Bounded: raises after `seconds`."""
    start = time.monotonic()
    while True:
        with contextlib.suppress(Exception):
            if check():
                return time.monotonic() - start
        if time.monotonic() - start > seconds:
            raise TimeoutError(f"{what}: not within {seconds:.0f} s")
        time.sleep(step)


def listening(host: str, port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex((host, port)) == 0


def postgres_account() -> tuple[int, int] | None:
    """The (uid, gid) PostgreSQL tools run as: `postgres` when we are root, else ourselves."""
    if os.geteuid() != 0:
        return None
    account = pwd.getpwnam("postgres")
    return account.pw_uid, account.pw_gid


def give_to_postgres(path: Path) -> None:
    account = postgres_account()
    if account is not None:
        os.chown(path, *account)


class Processes:
    """Every process group this cluster started, to kill one node or all of them."""

    def __init__(self, logs: Path) -> None:
        self.logs = logs
        self.groups: dict[str, subprocess.Popen[bytes]] = {}
        self._files: list[IO[bytes]] = []

    def start(
        self,
        name: str,
        command: Sequence[str],
        *,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        as_postgres: bool = False,
    ) -> subprocess.Popen[bytes]:
        log = (self.logs / f"{name}.log").open("ab")
        self._files.append(log)
        account = postgres_account() if as_postgres else None
        process = subprocess.Popen(
            list(command),
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
            cwd=cwd,
            start_new_session=True,
            user=account[0] if account else None,
            group=account[1] if account else None,
            extra_groups=[] if account else None,
        )
        self.groups[name] = process
        return process

    def kill(self, name: str, sig: int = signal.SIGKILL) -> None:
        """The node's whole process group, as a lost machine (SIGKILL) by default."""
        process = self.groups.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        # Children that outlived their leader (a postmaster's backends) share its group.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)

    def alive(self, name: str) -> bool:
        process = self.groups.get(name)
        return process is not None and process.poll() is None

    def stop_all(self) -> None:
        """Everything at once, as kill -9: a test cluster keeps nothing worth a clean stop."""
        for name in reversed(list(self.groups)):
            self.kill(name)
        for log in self._files:
            log.close()


def run(
    command: Sequence[str], *, as_postgres: bool = False, seconds: float = 300, password: str = ""
) -> str:
    """A short command to completion (bounded); its output, or the error with its output."""
    account = postgres_account() if as_postgres else None
    done = subprocess.run(
        list(command),
        capture_output=True,
        text=True,
        timeout=seconds,
        user=account[0] if account else None,
        group=account[1] if account else None,
        extra_groups=[] if account else None,
        env={**os.environ, "PGPASSWORD": password},
    )
    if done.returncode != 0:
        raise RuntimeError(f"{command[0]} failed ({done.returncode}): {done.stderr or done.stdout}")
    return done.stdout

"""The production stack restarts what dies: kill -9 the gunicorn master, a gunicorn worker,
the Celery worker and beat; each comes back and https answers again (loopback only, bounded).

Starts `deploy/production/run.sh` in a private run directory on free ports. Prints the time
each process took to come back.
"""

import json
import os
import signal
import socket
import subprocess
import time
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

import pytest

from bench.fault.stack import children as _children
from bench.fault.stack import supervised_pid as _pid

ROOT = Path(__file__).resolve().parent.parent.parent
RUN = ROOT / "deploy" / "production" / "run.sh"
RECOVERY_LIMIT_S = 90.0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _run(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    done = subprocess.run(
        ["bash", str(RUN), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def _live(port: int) -> bool:
    import ssl

    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urlopen(f"https://127.0.0.1:{port}/healthz/live", timeout=5, context=context) as r:
            return bool(r.status == 200)
    except (URLError, OSError):
        return False


def _until(check: object, limit: float = RECOVERY_LIMIT_S) -> float:
    started = time.monotonic()
    while time.monotonic() - started < limit:
        if check():  # type: ignore[operator]
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"not recovered within {limit} s")


@pytest.mark.slow
def test_supervisor_restarts_every_process_killed_with_sigkill(tmp_path: Path) -> None:
    https = _free_port()
    env = {
        **os.environ,
        "CIVIC311_RUN_DIR": str(tmp_path / "run"),
        "CIVIC311_HTTPS_PORT": str(https),
        "CIVIC311_HTTP_PORT": str(_free_port()),
        "CIVIC311_GUNICORN_PORT": str(_free_port()),
        "WEB_CONCURRENCY": "2",
    }
    _run(env, "start", timeout=600)
    figures: dict[str, float] = {}
    try:
        assert _live(https)
        master = _pid(env, "web")
        workers = _children(master)
        assert workers
        os.kill(workers[0], signal.SIGKILL)
        figures["gunicorn worker"] = _until(
            lambda: len([p for p in _children(master) if p != workers[0]]) >= len(workers)
        )
        for program in ("worker", "beat", "web"):
            before = _pid(env, program)
            assert before
            os.kill(before, signal.SIGKILL)
            figures[program] = _until(lambda p=program, b=before: _pid(env, p) not in (0, b))
        figures["https again"] = _until(lambda: _live(https))
    finally:
        _run(env, "stop", timeout=120)
    print(json.dumps({"recovered_in_seconds": {k: round(v, 1) for k, v in figures.items()}}))  # noqa: T201

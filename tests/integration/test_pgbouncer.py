"""PgBouncer in transaction mode in front of the test database (Debian's pgbouncer).

With DATABASE_PREPARE_THRESHOLD=0 and server-side binding off, nothing relies on a server
connection keeping state between transactions: an Open311 POST and a department's queue
read work through a pool of one server connection shared by every transaction.
"""

import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from django.db import connection
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from intake.models import Service, ServiceRequest
from open311.services import api_key_issue

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(PGBOUNCER).exists(), reason="pgbouncer is not installed"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_port(port: int, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"pgbouncer did not listen on {port}")


def _as_unprivileged(command: list[str], workdir: Path) -> list[str]:
    """PgBouncer refuses to run as root: as root, run it as the postgres user."""
    if os.geteuid() != 0:
        return command
    account = pwd.getpwnam("postgres")
    os.chown(workdir, account.pw_uid, account.pw_gid)
    for path in workdir.iterdir():
        os.chown(path, account.pw_uid, account.pw_gid)
    return ["runuser", "-u", "postgres", "--", *command]


@pytest.fixture
def pgbouncer() -> Iterator[int]:
    db = connection.settings_dict
    port = _free_port()
    tmp_path = Path(tempfile.mkdtemp(prefix="civic311-pgbouncer-"))
    (tmp_path / "userlist.txt").write_text(f'"{db["USER"]}" "{db["PASSWORD"]}"\n')
    (tmp_path / "pgbouncer.ini").write_text(
        "[databases]\n"
        f"* = host={db['HOST']} port={db['PORT']}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = scram-sha-256\nauth_file = {tmp_path}/userlist.txt\n"
        f"admin_users = {db['USER']}\n"
        # One server connection: every transaction shares it, as under load.
        "pool_mode = transaction\ndefault_pool_size = 1\nmax_client_conn = 50\n"
        f"logfile = {tmp_path}/pgbouncer.log\npidfile = {tmp_path}/pgbouncer.pid\n"
    )
    command = _as_unprivileged([PGBOUNCER, str(tmp_path / "pgbouncer.ini")], tmp_path)
    process = subprocess.Popen(command)
    try:
        _wait_for_port(port)
        yield port
    finally:
        pidfile = tmp_path / "pgbouncer.pid"
        if pidfile.exists():
            os.kill(int(pidfile.read_text()), signal.SIGTERM)
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(tmp_path, ignore_errors=True)


@pytest.fixture
def through_pgbouncer(pgbouncer: int) -> Iterator[int]:
    """Django's connection goes through PgBouncer, configured as the settings say to."""
    saved: dict[str, Any] = {k: connection.settings_dict[k] for k in ("PORT", "OPTIONS")}
    connection.close()
    options = dict(saved["OPTIONS"])
    options.pop("prepare_threshold", None)
    options["server_side_binding"] = False
    connection.settings_dict.update(PORT=str(pgbouncer), OPTIONS=options)
    try:
        yield pgbouncer
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def _transactions_through(port: int) -> int:
    db = connection.settings_dict
    with psycopg.connect(
        host="127.0.0.1",
        port=port,
        dbname="pgbouncer",
        user=db["USER"],
        password=db["PASSWORD"],
        autocommit=True,
        cursor_factory=psycopg.ClientCursor,
    ) as admin:
        rows = admin.execute("SHOW STATS").fetchall()
    return sum(int(row[1]) for row in rows if row[0] == db["NAME"])


def test_open311_post_and_queue_read_through_pgbouncer(
    through_pgbouncer: int, pothole: Service, streets_staff: User
) -> None:
    key = api_key_issue(name="Riverton app").key
    for number in range(3):  # repeats: a prepared statement would now be on another server
        response = Client().post(
            "/open311/v2/requests.json",
            {
                "api_key": key,
                "service_code": "pothole",
                "lat": "43.07",
                "long": "-89.40",
                "description": f"Pothole number {number} by the bus stop",
                "device_id": f"device-{number}",
            },
        )
        assert response.status_code == 200, response.content
    client = APIClient()
    client.force_authenticate(streets_staff)
    for _ in range(3):
        queue = client.get("/api/v1/queues/streets/")
        assert queue.status_code == 200, queue.content
    assert ServiceRequest.objects.filter(department__slug="streets").count() == 3
    assert _transactions_through(through_pgbouncer) > 0

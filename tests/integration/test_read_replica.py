"""A real streaming replica of the test cluster: marked reads go to it, a writer's do not.

The fixture takes a base backup of the stack's PostgreSQL (`pg_basebackup -R`, so the copy
starts as a hot standby streaming from the primary) into a temporary folder and starts it
on 127.0.0.2; the `replica-test` alias is pointed at it for the test.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from intake.models import Service
from open311.services import api_key_issue

REPLICA = "replica-test"
PG_BIN = Path(os.environ.get("CIVIC311_PG_BIN", "/usr/lib/postgresql/15/bin"))
pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
    pytest.mark.skipif(not (PG_BIN / "pg_basebackup").exists(), reason="no PostgreSQL tools"),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.2", 0))
        return int(s.getsockname()[1])


def _run(command: list[str], *, password: str = "", seconds: float = 120) -> None:
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    env = {**os.environ, "PGPASSWORD": password}
    subprocess.run(command, check=True, timeout=seconds, env=env, capture_output=True)


@pytest.fixture
def streaming_replica() -> Iterator[int]:
    primary = connection.settings_dict
    data = Path(tempfile.mkdtemp(prefix="civic311-replica-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(data, account.pw_uid, account.pw_gid)
    port = _free_port()
    try:
        backup = [str(PG_BIN / "pg_basebackup"), "-D", str(data / "pgdata"), "-R", "-X", "stream"]
        server = ["-h", primary["HOST"], "-p", str(primary["PORT"]), "-U", primary["USER"]]
        _run([*backup, *server, "--checkpoint=fast"], password=primary["PASSWORD"])
        # A standby needs at least the primary's max_connections.
        with connection.cursor() as cursor:
            cursor.execute("SHOW max_connections")
            (max_connections,) = cursor.fetchone()
        options = (
            f"-p {port} -c listen_addresses=127.0.0.2 -k {data} -c fsync=off"
            f" -c max_connections={max_connections}"
        )
        pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data / "pgdata")]
        _run([*pg_ctl, "-w", "-t", "60", "-o", options, "-l", str(data / "log"), "start"])
        yield port
    finally:
        if (data / "pgdata" / "postmaster.pid").exists():
            _run([str(PG_BIN / "pg_ctl"), "-D", str(data / "pgdata"), "-m", "immediate", "stop"])
        shutil.rmtree(data, ignore_errors=True)


@pytest.fixture
def replica_alias(streaming_replica: int) -> Iterator[None]:
    replica = connections[REPLICA]
    replica.close()
    saved = {key: replica.settings_dict[key] for key in ("HOST", "PORT")}
    replica.settings_dict.update(HOST="127.0.0.2", PORT=str(streaming_replica))
    try:
        with override_settings(CIVIC311_READ_REPLICAS=[REPLICA]):
            yield
    finally:
        replica.close()
        replica.settings_dict.update(saved)


def test_reads_follow_the_router_to_a_real_streaming_replica(
    replica_alias: None, pothole: Service
) -> None:
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone() == (True,)
    key = api_key_issue(name="Riverton app").key
    writer = Client(REMOTE_ADDR="127.0.0.20")
    posted = writer.post(
        "/open311/v2/requests.json",
        {"api_key": key, "service_code": "pothole", "lat": "43.07", "long": "-89.40"},
    )
    assert posted.status_code == 200, posted.content
    (answer,) = posted.json()
    detail = f"/open311/v2/requests/{answer['service_request_id']}.json"
    # The writer reads its report at once, from the primary, whatever the replica's lag.
    with CaptureQueriesContext(connections[REPLICA]) as on_replica:
        assert writer.get(detail).status_code == 200
    assert len(on_replica) == 0
    # Anyone else reads from the replica, which has the report once it has replayed it.
    reader = Client(REMOTE_ADDR="127.0.0.21")
    deadline = time.monotonic() + 20
    while True:
        with CaptureQueriesContext(connections[REPLICA]) as on_replica:
            found = reader.get(detail)
        assert len(on_replica) > 0
        if found.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert found.status_code == 200
    assert found.json()[0]["service_request_id"] == answer["service_request_id"]

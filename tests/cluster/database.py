"""PostgreSQL nodes for the cluster: a primary, streaming replicas made with pg_basebackup -R,
promotion with pg_ctl promote, and PgBouncer in front, repointed after a failover. Each
server listens only on its own loopback address (tests/cluster/addresses.py)."""

import os
import signal
import time
from pathlib import Path
from typing import Any

import psycopg

from tests.cluster.addresses import address
from tests.cluster.nodes import (
    PG_BIN,
    Processes,
    free_port,
    give_to_postgres,
    listening,
    run,
    wait_until,
)

USER = "civic311"
DBNAME = "civic311"


class PostgresNode:
    def __init__(self, processes: Processes, root: Path, name: str, password: str) -> None:
        self.processes = processes
        self.name = name
        self.password = password
        self.data = root / name
        self.host = address(name)
        self.port = free_port(self.host)

    # --- making and running one server ---
    def init_primary(self, *, archive: Path | None = None) -> None:
        self.data.mkdir(mode=0o700)
        give_to_postgres(self.data)
        pwfile = self.data.parent / f"{self.name}.pw"
        pwfile.write_text(self.password)
        give_to_postgres(pwfile)
        run(
            [
                *(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", USER, f"--pwfile={pwfile}"),
                *("--auth-local=scram-sha-256", "--auth-host=scram-sha-256", "-E", "UTF8"),
                "--locale=C.UTF-8",
            ],
            as_postgres=True,
        )
        pwfile.unlink()
        settings = [
            "wal_level = replica",
            "max_wal_senders = 5",
            "wal_keep_size = '256MB'",
            "hot_standby = on",
            "max_connections = 60",
            "shared_buffers = '32MB'",
        ]
        if archive is not None:
            # Each WAL segment is copied once to the archive; the restore drill reads it back.
            settings += [
                "archive_mode = on",
                f"archive_command = 'test ! -f {archive}/%f && cp %p {archive}/%f'",
                "archive_timeout = 60",
            ]
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("\n".join(settings) + "\n")
        self.start()
        self.sql(f"CREATE DATABASE {DBNAME}", dbname="postgres")
        self.sql("CREATE EXTENSION postgis")

    def init_replica_of(self, primary: "PostgresNode") -> None:
        """A base backup that starts as a hot standby streaming from `primary`."""
        self.data.mkdir(mode=0o700)
        give_to_postgres(self.data)
        run(
            [
                *(str(PG_BIN / "pg_basebackup"), "-D", str(self.data), "-R", "-X", "stream"),
                *("-h", primary.host, "-p", str(primary.port), "-U", USER, "--checkpoint=fast"),
            ],
            as_postgres=True,
            password=self.password,
        )
        # A copy of an archiving primary must not write into the same archive.
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write("archive_mode = off\n")
        self.start()

    def start(self) -> None:
        options = [
            *("-c", f"listen_addresses={self.host}", "-p", str(self.port)),
            *("-c", f"unix_socket_directories={self.data}"),
        ]
        self.processes.start(
            self.name, [str(PG_BIN / "postgres"), "-D", str(self.data), *options], as_postgres=True
        )
        wait_until(f"{self.name} accepts connections", self.answers, 120)

    def answers(self) -> bool:
        return self.sql("SELECT 1", dbname="postgres") == [(1,)]

    def crash(self) -> None:
        """kill -9 of the postmaster and every backend: the machine is gone."""
        self.processes.kill(self.name, signal.SIGKILL)

    def stop(self) -> None:
        if self.processes.alive(self.name):
            self.processes.kill(self.name, signal.SIGINT)  # PostgreSQL's fast shutdown

    def promote(self) -> None:
        command = [str(PG_BIN / "pg_ctl"), "promote", "-w", "-t", "120", "-D", str(self.data)]
        run(command, as_postgres=True)

    # --- talking to it ---
    def connect(self, dbname: str = DBNAME) -> psycopg.Connection[Any]:
        return psycopg.connect(
            host=self.host,
            port=self.port,
            user=USER,
            password=self.password,
            dbname=dbname,
            autocommit=True,
            connect_timeout=5,
        )

    def sql(self, query: str, *params: Any, dbname: str = DBNAME) -> list[tuple[Any, ...]]:
        with self.connect(dbname) as conn, conn.cursor() as cursor:
            cursor.execute(query, params or None)
            return cursor.fetchall() if cursor.description else []

    def url(self) -> str:
        """Straight to this server (migrations), not through PgBouncer."""
        return f"postgis://{USER}:{self.password}@{self.host}:{self.port}/{DBNAME}"

    def make_synchronous(self) -> None:
        """Commits wait until a standby has the WAL on disk (synchronous_commit = on)."""
        self.sql("ALTER SYSTEM SET synchronous_standby_names = '*'")
        self.sql("ALTER SYSTEM SET synchronous_commit = 'on'")
        self.sql("SELECT pg_reload_conf()")
        wait_until(
            "a synchronous standby",
            lambda: self.sql("SELECT 1 FROM pg_stat_replication WHERE sync_state = 'sync'") != [],
            60,
        )

    def pause_wal_senders(self) -> int:
        """SIGSTOP every walsender: the standbys receive no more WAL, as over a stalled link
        (their receivers stay connected within wal_receiver_timeout, 60 s). Stopped at the
        sender, not the receiver, whose socket buffers would still hold up to megabytes
        already sent and hand them over later. Undone only by the kill -9 of this primary.
        How many were stopped."""
        pids = [int(pid) for (pid,) in self.sql("SELECT pid FROM pg_stat_replication")]
        for pid in pids:
            os.kill(pid, signal.SIGSTOP)
        return len(pids)

    def commits_waiting_for_standby(self) -> int:
        query = "SELECT count(*) FROM pg_stat_activity WHERE wait_event = 'SyncRep'"
        return int(self.sql(query)[0][0])

    def wal_bytes_ahead_of(self, standby: "PostgresNode") -> int:
        """WAL this primary has written that the standby has not received."""
        (received,) = standby.sql("SELECT pg_last_wal_receive_lsn()::text")[0]
        query = "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), %s::pg_lsn)::bigint"
        return int(self.sql(query, received)[0][0])

    def replayed(self, standby: "PostgresNode") -> bool:
        """The standby has replayed everything this primary has written."""
        (lsn,) = self.sql("SELECT pg_current_wal_lsn()::text")[0]
        query = "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn"
        return bool(standby.sql(query, lsn)[0][0])


class PgBouncer:
    """Transaction pooling in front of the primary (`civic311`) and the replica
    (`civic311_ro`); a failover rewrites its targets and reloads it (SIGHUP)."""

    def __init__(self, processes: Processes, root: Path, password: str) -> None:
        self.processes = processes
        self.password = password
        self.dir = root / "pgbouncer"
        self.dir.mkdir()
        self.host = address("pgbouncer")
        self.port = free_port(self.host)
        (self.dir / "userlist.txt").write_text(f'"{USER}" "{password}"\n')
        give_to_postgres(self.dir)
        give_to_postgres(self.dir / "userlist.txt")

    def url(self, dbname: str = DBNAME) -> str:
        return f"postgis://{USER}:{self.password}@{self.host}:{self.port}/{dbname}"

    def point(self, *, primary: PostgresNode, replica: PostgresNode) -> None:
        ini = self.dir / "pgbouncer.ini"
        ini.write_text(
            "[databases]\n"
            f"{DBNAME} = host={primary.host} port={primary.port} dbname={DBNAME}\n"
            f"{DBNAME}_ro = host={replica.host} port={replica.port} dbname={DBNAME}\n"
            "[pgbouncer]\n"
            f"listen_addr = {self.host}\nlisten_port = {self.port}\nunix_socket_dir =\n"
            f"auth_type = scram-sha-256\nauth_file = {self.dir}/userlist.txt\n"
            "pool_mode = transaction\ndefault_pool_size = 10\nmax_client_conn = 200\n"
            # Generous but bounded: a client waits for a server up to this long.
            "query_wait_timeout = 60\nserver_connect_timeout = 5\nserver_login_retry = 1\n"
            f"logfile = {self.dir}/pgbouncer.log\n"
        )
        give_to_postgres(ini)
        if self.processes.alive("pgbouncer"):
            # Reload, and drop server connections to the old primary so none is reused.
            self.processes.groups["pgbouncer"].send_signal(signal.SIGHUP)
            time.sleep(0.5)
        else:
            self.processes.start("pgbouncer", ["pgbouncer", str(ini)], as_postgres=True)
            wait_until("pgbouncer listens", lambda: listening(self.host, self.port), 30)

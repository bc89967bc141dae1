"""The production process layout on one machine, without containers, each node on its own
loopback address (tests/cluster/addresses.py).

HAProxy (health checks on /healthz/ready) in front of three gunicorn web nodes; two Celery
worker nodes and one beat (the Redis lock); PostgreSQL primary and streaming replica behind
PgBouncer in transaction mode (`civic311` the primary, `civic311_ro` the replica the
router reads from); Redis master and replica watched by three Sentinels, used by the broker,
the cache and the beat lock. Ports are chosen free at run time; everything lives in one
private directory, removed at the end unless CIVIC311_CLUSTER_KEEP is set.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from functools import partial
from pathlib import Path

from tests.cluster.addresses import address, group_sockets
from tests.cluster.database import PgBouncer, PostgresNode
from tests.cluster.nodes import Processes, free_port, give_to_postgres, listening, wait_until
from tests.cluster.redis_nodes import MASTER_NAME, RedisNodes

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
# The test run's own settings never reach the cluster's processes.
OWN_VARIABLES = ("CIVIC311_", "DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "CACHE_URL")
WEB_NODES = ("web1", "web2", "web3")
WORKER_NODES = ("worker1", "worker2")
# Nodes with no server: they have an address in the plan but only make connections.
LISTEN_NOWHERE = (*WORKER_NODES, "beat1", "beat2")
SEED = """
from core.tasks import record_heartbeat
from open311.services import api_key_issue
from tests.factories import DepartmentFactory, ServiceFactory
DepartmentFactory.create(slug="contact-centre", name="311 Contact Centre")
streets = DepartmentFactory.create(slug="streets", name="Streets and Roads")
ServiceFactory.create(code="pothole", name="Pothole", default_department=streets)
record_heartbeat()  # readiness wants a beat tick; beat's first comes after a minute
print(api_key_issue(name="cluster load").key)
"""


class Cluster:
    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="c311-cluster-"))
        self.root.chmod(0o755)  # PostgreSQL's user reaches its folders under it
        (self.root / "logs").mkdir()
        self.processes = Processes(self.root / "logs")
        self.password = secrets.token_urlsafe(18)
        self.archive = self.root / "archive"
        self.mail = self.root / "mail"
        self.primary = PostgresNode(self.processes, self.root, "pg1", self.password)
        self.replica: PostgresNode | None = None
        self.bouncer = PgBouncer(self.processes, self.root, self.password)
        self.redis = RedisNodes(self.processes, self.root)
        self.web = {name: (address(name), free_port(address(name))) for name in WEB_NODES}
        self.http = (address("haproxy"), free_port(address("haproxy")))
        self.api_key = ""
        self.secret_key = "cluster-" + secrets.token_urlsafe(40)

    # --- start ---
    def start(self) -> None:
        self.archive.mkdir()
        give_to_postgres(self.archive)
        self.primary.init_primary(archive=self.archive)
        self.add_replica("pg2", synchronous=False)
        self.redis.start()
        self.mail.mkdir()
        self.manage(["migrate", "--no-input", "-v", "0"], direct=True)
        self.api_key = self.manage(["shell", "-c", SEED], direct=True).strip().splitlines()[-1]
        for name in WEB_NODES:
            self.start_web(name)
        for name in WORKER_NODES:
            self.start_worker(name)
        self.start_beat("beat1")
        for name, (host, port) in self.web.items():
            wait_until(f"{name} ready", partial(_ready, host, port), 300, 1)
        self.start_haproxy()
        wait_until("web nodes up in HAProxy", lambda: self.servers_up() == set(WEB_NODES), 240, 1)

    def environment(self, *, direct: bool = False) -> dict[str, str]:
        """Production settings; the database through PgBouncer (direct: the primary, for
        migrations, as deploy/README.md says)."""
        database = self.primary.url() if direct else self.bouncer.url()
        web_hosts = [host for host, _port in self.web.values()]
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith(OWN_VARIABLES)},
            "PYTHONPATH": f"{REPO / 'backend'}:{REPO}",
            "CIVIC311_ENV": "production",
            "DJANGO_SECRET_KEY": self.secret_key,
            # Clients name HAProxy; its health checks and the test's name each web node.
            "DJANGO_ALLOWED_HOSTS": ",".join([self.http[0], *web_hosts]),
            # gunicorn trusts X-Forwarded-* from HAProxy's address only.
            "FORWARDED_ALLOW_IPS": self.http[0],
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": str(self.root / "static"),
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "DJANGO_EMAIL_FILE_PATH": str(self.mail),
            "CIVIC311_SMS_FILE": str(self.root / "sms.log"),
            "CIVIC311_TRUSTED_PROXIES": "1",
            "DATABASE_URL": database,
            "DATABASE_REPLICA_URLS": "" if direct else self.bouncer.url("civic311_ro"),
            "DATABASE_PREPARE_THRESHOLD": "0",
            "DATABASE_SERVER_SIDE_BINDING": "false",
            "REDIS_URL": self.redis.url("redis-a"),
            "REDIS_SENTINELS": self.redis.sentinel_list(),
            "REDIS_SENTINEL_MASTER": MASTER_NAME,
            "CIVIC311_BEAT_LOCK_SECONDS": "6",
            # Lost tasks are found by the sweep after this long (60 s in production).
            "CIVIC311_OUTBOX_SWEEP_GRACE_SECONDS": "15",
            "CIVIC311_OPEN311_KEY_WRITE_RATE": "100000/hour",
            "GUNICORN_TIMEOUT": "90",
            "WEB_CONCURRENCY": "1",
        }

    def manage(self, args: list[str], *, direct: bool = False) -> str:
        done = subprocess.run(
            [str(BIN / "python"), str(REPO / "manage.py"), *args],
            env=self.environment(direct=direct),
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if done.returncode != 0:
            raise RuntimeError(f"manage.py {args[0]}: {done.stderr[-3000:]}")
        return done.stdout

    def start_web(self, name: str) -> None:
        run_dir = self.root / name
        run_dir.mkdir(exist_ok=True)
        env = {
            **self.environment(),
            "GUNICORN_BIND": "{}:{}".format(*self.web[name]),
            "CIVIC311_RUN_DIR": str(run_dir),
        }
        command = [str(BIN / "gunicorn"), "-c", "deploy/production/gunicorn.conf.py"]
        self.processes.start(name, [*command, "civic311.wsgi"], env=env, cwd=REPO)

    def start_worker(self, name: str) -> None:
        command = [str(BIN / "celery"), "-A", "civic311", "worker", "-n", f"{name}@cluster"]
        options = ["-c", "1", "--without-gossip", "--without-mingle", "-l", "INFO"]
        self.processes.start(name, [*command, *options], env=self.environment(), cwd=REPO)

    def start_beat(self, name: str) -> None:
        """Each beat keeps its schedule in its own folder, as on its own host."""
        folder = self.root / name
        folder.mkdir(exist_ok=True)
        command = [str(BIN / "celery"), "-A", "civic311", "beat", "-l", "INFO"]
        options = ["-s", str(folder / "schedule"), "--pidfile", ""]
        self.processes.start(name, [*command, *options], env=self.environment(), cwd=REPO)

    def start_haproxy(self) -> None:
        servers = "".join(
            f"  server {name} {host}:{port} check\n" for name, (host, port) in self.web.items()
        )
        host, port = self.http
        config = self.root / "haproxy.cfg"
        config.write_text(
            "global\n  maxconn 512\n"
            f"  stats socket {self.root}/haproxy.sock mode 600 level admin\n"
            "defaults\n  mode http\n  timeout connect 2s\n  timeout check 5s\n"
            "  timeout client 120s\n  timeout server 120s\n  timeout queue 30s\n"
            # A node that refuses the connection is tried again elsewhere; nothing else is
            # replayed by the proxy (a POST may have been processed): clients retry.
            "  retries 2\n  option redispatch\n"
            f"frontend open311\n  bind {host}:{port}\n"
            "  option forwardfor\n  default_backend web\n"
            # Connections to the web nodes (checks too) leave from HAProxy's own address.
            f"backend web\n  balance roundrobin\n  source {host}\n"
            "  option httpchk\n"
            f"  http-check send meth GET uri /healthz/ready ver HTTP/1.1 hdr Host {host}\n"
            "  http-check expect status 200\n"
            "  default-server inter 1s fall 2 rise 1\n" + servers
        )
        self.processes.start("haproxy", ["haproxy", "-f", str(config), "-db"])
        wait_until("haproxy listens", lambda: listening(host, port), 30)

    # --- the database's failover, as the runbook scripts it ---
    def fail_over_database(self) -> float:
        """kill -9 the primary, `pg_ctl promote` the replica, point PgBouncer at it (both
        databases: there is no replica left until one is added). Seconds the script took."""
        old, new = self.primary, self.replica
        assert new is not None, "no replica to promote"
        started = time.monotonic()
        old.crash()
        new.promote()
        self.bouncer.point(primary=new, replica=new)
        self.primary, self.replica = new, None
        return time.monotonic() - started

    def add_replica(self, name: str, *, synchronous: bool) -> None:
        node = PostgresNode(self.processes, self.root, name, self.password)
        node.init_replica_of(self.primary)
        if synchronous:
            self.primary.make_synchronous()
        self.replica = node
        self.bouncer.point(primary=self.primary, replica=node)

    # --- observe ---
    def servers_up(self) -> set[str]:
        """The web nodes HAProxy sends traffic to, from its stats socket."""
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(2)
            s.connect(str(self.root / "haproxy.sock"))
            s.sendall(b"show stat\n")
            raw = b""
            while chunk := s.recv(65536):
                raw += chunk
        up = set()
        for line in raw.decode().splitlines():
            fields = line.split(",")
            if fields[0] == "web" and fields[1] in WEB_NODES and fields[17].startswith("UP"):
                up.add(fields[1])
        return up

    def ready(self) -> bool:
        return _ready(*self.http)

    @property
    def url(self) -> str:
        """HAProxy's front: where residents' apps send their reports."""
        return "http://{}:{}".format(*self.http)

    def address_check(self) -> dict[str, object]:
        """From the kernel's socket tables: every running server node listens on its own
        address and no other (workers and beats listen nowhere), and no socket of any node
        is bound to or connected to an address outside 127.0.0.0/8."""
        unplanned: dict[str, list[str]] = {}
        outside: list[str] = []
        for name, process in self.processes.groups.items():
            sockets = group_sockets(process.pid)
            planned = set() if name in LISTEN_NOWHERE else {address(name)}
            listens = {s.local for s in sockets if s.listening}
            if listens != planned:
                unplanned[name] = sorted(listens)
            outside += [f"{name} {s.local}>{s.remote}" for s in sockets if s.outside_loopback]
        return {
            "nodes": len(self.processes.groups),
            "nodes_listening_as_planned": len(self.processes.groups) - len(unplanned),
            "listening_otherwise": unplanned,
            "sockets_outside_127/8": outside,
        }

    def log(self, name: str) -> str:
        return (self.root / "logs" / f"{name}.log").read_text(errors="replace")

    # --- stop ---
    def stop(self) -> None:
        self.processes.stop_all()
        if not os.environ.get("CIVIC311_CLUSTER_KEEP"):
            shutil.rmtree(self.root, ignore_errors=True)


def _ready(host: str, port: int) -> bool:
    """/healthz/ready answers 200 at this (loopback) address."""
    url = f"http://{host}:{port}/healthz/ready"
    with urllib.request.urlopen(url, timeout=10) as answer:
        return bool(answer.status == 200)

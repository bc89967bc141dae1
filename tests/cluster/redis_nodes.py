"""Redis for the cluster: a master and a replica watched by three Sentinels (quorum 2), each
server on its own loopback address, which it also announces and connects from."""

from pathlib import Path

import redis
from redis.sentinel import Sentinel

from tests.cluster.addresses import address
from tests.cluster.nodes import Processes, free_port, wait_until

MASTER_NAME = "civic311-cluster"
SERVERS = ("redis-a", "redis-b")
SENTINELS = ("sentinel1", "sentinel2", "sentinel3")
# Two of three must agree the master is down; a failover also needs a majority's vote.
QUORUM = 2


class RedisNodes:
    def __init__(self, processes: Processes, root: Path) -> None:
        self.processes = processes
        self.dir = root / "redis"
        self.dir.mkdir()
        self.nodes = {name: _addressed(name) for name in (*SERVERS, *SENTINELS)}

    def start(self) -> None:
        first = self.nodes["redis-a"]
        self._server("redis-a", [])
        self._server("redis-b", ["--replicaof", *map(str, first)])
        for name in SENTINELS:
            self._sentinel(name, first)
        wait_until(
            "redis replica in sync",
            lambda: self.client("redis-b").info("replication")["master_link_status"] == "up",
            30,
        )
        # Sentinels find the replica from the master, and each other from its hello channel.
        wait_until("every sentinel sees the replica and the other two", self._all_known, 60, 0.5)

    def _server(self, name: str, extra: list[str]) -> None:
        host, port = self.nodes[name]
        command = [
            *("redis-server", "--port", str(port)),
            # Listen on this address only, connect from it, and name it to the Sentinels.
            *("--bind", host, "--bind-source-addr", host, "--replica-announce-ip", host),
            *("--dir", str(self.dir), "--dbfilename", f"{name}.rdb", "--save", ""),
            # Protected mode admits only 127.0.0.1 and ::1 as sources, not the other nodes'
            # own addresses; bound to one loopback address, nothing else reaches it anyway.
            *("--appendonly", "no", "--protected-mode", "no", *extra),
        ]
        self.processes.start(name, command)
        wait_until(f"{name} answers", lambda: bool(self.client(name).ping()), 30)

    def _sentinel(self, name: str, master: tuple[str, int]) -> None:
        host, port = self.nodes[name]
        conf = self.dir / f"{name}.conf"  # Sentinel rewrites its own file: one each
        conf.write_text(
            f"port {port}\nbind {host}\nbind-source-addr {host}\ndir {self.dir}\n"
            f"protected-mode no\nsentinel announce-ip {host}\n"
            f"sentinel monitor {MASTER_NAME} {master[0]} {master[1]} {QUORUM}\n"
            # A master unanswered for 2 s is down (subjectively; objectively once two agree).
            f"sentinel down-after-milliseconds {MASTER_NAME} 2000\n"
            f"sentinel failover-timeout {MASTER_NAME} 10000\n"
        )
        self.processes.start(name, ["redis-server", str(conf), "--sentinel"])

    def _all_known(self) -> bool:
        for name in SENTINELS:
            one = self.client(name)
            replicas = one.sentinel_slaves(MASTER_NAME)
            others = one.sentinel_sentinels(MASTER_NAME)
            if not isinstance(replicas, list) or not isinstance(others, list):
                return False
            if len(replicas) != 1 or len(others) != len(SENTINELS) - 1:
                return False
        return True

    def client(self, name: str) -> redis.Redis:
        host, port = self.nodes[name]
        return redis.Redis(host=host, port=port, socket_timeout=2)

    def sentinel_list(self) -> str:
        """REDIS_SENTINELS: host:port,..."""
        return ",".join(f"{host}:{port}" for host, port in (self.nodes[n] for n in SENTINELS))

    def url(self, name: str) -> str:
        host, port = self.nodes[name]
        return f"redis://{host}:{port}/0"

    def masters_named(self) -> list[str]:
        """The server each Sentinel names as the master (one entry per Sentinel that answers)."""
        named = []
        for sentinel in SENTINELS:
            host, port = self.nodes[sentinel]
            one = Sentinel([(host, port)], socket_timeout=2)  # type: ignore[no-untyped-call]
            try:
                found = tuple(one.discover_master(MASTER_NAME))  # type: ignore[no-untyped-call]
            except redis.RedisError:
                continue
            named += [name for name in SERVERS if self.nodes[name] == (found[0], int(found[1]))]
        return named

    def master_name(self) -> str:
        """The master a majority of the Sentinels name."""
        named = self.masters_named()
        leader = max(SERVERS, key=named.count)
        if named.count(leader) < QUORUM:
            raise RuntimeError(f"no majority among the sentinels: {named}")
        return leader

    def fail_master(self) -> float:
        """kill -9 the master; seconds until all three Sentinels name the replica."""
        old = self.master_name()
        self.processes.kill(old)
        return wait_until(
            "the sentinels promote the replica",
            lambda: self.masters_named() == [self.other(old)] * len(SENTINELS),
            60,
        )

    def other(self, name: str) -> str:
        return next(server for server in SERVERS if server != name)


def _addressed(name: str) -> tuple[str, int]:
    host = address(name)
    return host, free_port(host)

"""Redis for the cluster: a master, a replica and a Sentinel that fails over between them."""

from pathlib import Path

import redis
from redis.sentinel import Sentinel

from tests.cluster.nodes import Processes, free_port, wait_until

MASTER_NAME = "civic311-cluster"


class RedisNodes:
    def __init__(self, processes: Processes, root: Path) -> None:
        self.processes = processes
        self.dir = root / "redis"
        self.dir.mkdir()
        self.ports = {"redis-a": free_port(), "redis-b": free_port()}
        self.sentinel_port = free_port()

    def start(self) -> None:
        first, second = self.ports["redis-a"], self.ports["redis-b"]
        self._server("redis-a", [])
        self._server("redis-b", ["--replicaof", "127.0.0.1", str(first)])
        conf = self.dir / "sentinel.conf"
        conf.write_text(
            f"port {self.sentinel_port}\nbind 127.0.0.1\ndir {self.dir}\n"
            f"sentinel monitor {MASTER_NAME} 127.0.0.1 {first} 1\n"
            # A master unanswered for 2 s is down; one sentinel suffices on one machine.
            f"sentinel down-after-milliseconds {MASTER_NAME} 2000\n"
            f"sentinel failover-timeout {MASTER_NAME} 10000\n"
        )
        self.processes.start("sentinel", ["redis-server", str(conf), "--sentinel"])
        wait_until(
            "redis replica in sync",
            lambda: self.client(second).info("replication")["master_link_status"] == "up",
            30,
        )
        wait_until(
            "sentinel sees the replica",
            lambda: len(self.sentinel().discover_slaves(MASTER_NAME)) == 1,  # type: ignore[no-untyped-call]
            30,
        )

    def _server(self, name: str, extra: list[str]) -> None:
        port = self.ports[name]
        command = [
            *("redis-server", "--port", str(port), "--bind", "127.0.0.1"),
            *("--dir", str(self.dir), "--dbfilename", f"{name}.rdb", "--save", ""),
            *("--appendonly", "no", "--protected-mode", "yes", *extra),
        ]
        self.processes.start(name, command)
        wait_until(f"{name} answers", lambda: bool(self.client(port).ping()), 30)

    def client(self, port: int) -> redis.Redis:
        return redis.Redis(host="127.0.0.1", port=port, socket_timeout=2)

    def sentinel(self) -> Sentinel:
        return Sentinel([("127.0.0.1", self.sentinel_port)], socket_timeout=2)  # type: ignore[no-untyped-call]

    def master_port(self) -> int:
        _host, port = self.sentinel().discover_master(MASTER_NAME)  # type: ignore[no-untyped-call]
        return int(port)

    def master_name(self) -> str:
        port = self.master_port()
        return next(name for name, p in self.ports.items() if p == port)

    def fail_master(self) -> float:
        """kill -9 the master; seconds until Sentinel names the replica as the new master."""
        old = self.master_name()
        self.processes.kill(old)
        return wait_until("sentinel promotes the replica", lambda: self.master_name() != old, 60)

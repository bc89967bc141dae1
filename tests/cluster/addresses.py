"""The cluster's address plan, and a check of it from the kernel's own socket tables.

Every node has its own address in one /24 of 127.0.0.0/8 (127.0.31.0/24 unless
CIVIC311_CLUSTER_NETWORK names another, e.g. "127.0.77"); Linux routes all of 127.0.0.0/8 to
`lo`, so servers bind these addresses with no setup, and nothing can leave the machine. Each
server binds only its own address; ports are still chosen free at run time. Clients
(libpq, redis-py, Celery, the test itself) cannot choose a source address, so their
connections leave from 127.0.0.1, the kernel's source address on `lo`; HAProxy, the Redis
servers and the Sentinels do choose theirs (`source`, `bind-source-addr`).
"""

import ipaddress
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

NETWORK = os.environ.get("CIVIC311_CLUSTER_NETWORK", "127.0.31")
# The last octet of each node's address: tiers by tens (deploy/README.md has the table).
PLAN = {
    "pg1": 1,  # PostgreSQL: the first primary
    "pg2": 2,  # its streaming replica (asynchronous), promoted in the first failover
    "pg3": 3,  # the replica added after it (synchronous), promoted in the second
    "restored": 4,  # the point-in-time restore's fresh cluster
    "pgbouncer": 5,
    "haproxy": 8,
    "web1": 11,
    "web2": 12,
    "web3": 13,
    "worker1": 21,
    "worker2": 22,
    "beat1": 23,
    "beat2": 24,
    "redis-a": 31,
    "redis-b": 32,
    "sentinel1": 35,
    "sentinel2": 36,
    "sentinel3": 37,
}
LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")


def address(node: str) -> str:
    network = ipaddress.IPv4Network(f"{NETWORK}.0/24")
    if not network.subnet_of(LOOPBACK):
        raise ValueError(f"CIVIC311_CLUSTER_NETWORK must be inside 127.0.0.0/8, got {NETWORK}")
    return f"{NETWORK}.{PLAN[node]}"


@dataclass(frozen=True)
class Socket:
    kind: str  # tcp, tcp6, udp, udp6
    local: str
    remote: str
    listening: bool

    @property
    def outside_loopback(self) -> bool:
        """Bound to anything but 127.0.0.0/8 (a wildcard bind included), or talking to it.
        An unspecified remote is a listening or unconnected socket: no peer."""
        remote = _loopback_view(self.remote)
        return not _loopback_view(self.local).is_loopback or not (
            remote.is_loopback or remote.is_unspecified
        )


def _loopback_view(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address, with an IPv4-mapped IPv6 one (::ffff:127.0.0.1) as its IPv4 self."""
    ip = ipaddress.ip_address(text)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip


def _hex_address(raw: str) -> str:
    """/proc/net's "0100007F:1F90" (IPv4, little-endian) or its 32-digit IPv6 form."""
    packed = bytes.fromhex(raw.split(":")[0])
    # Each 32-bit word is in host (little-endian) order.
    words = b"".join(packed[i : i + 4][::-1] for i in range(0, len(packed), 4))
    return str(ipaddress.ip_address(words))


def _socket_table() -> dict[str, Socket]:
    """inode -> socket, from this network namespace's tables."""
    table: dict[str, Socket] = {}
    for kind in ("tcp", "tcp6", "udp", "udp6"):
        lines = Path(f"/proc/net/{kind}").read_text().splitlines()[1:]
        for line in lines:
            fields = line.split()
            table[fields[9]] = Socket(
                kind,
                _hex_address(fields[1]),
                _hex_address(fields[2]),
                kind.startswith("tcp") and fields[3] == "0A",
            )
    return table


def _group_members(group: int) -> Iterator[int]:
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The fields after the command name (which may hold spaces): state, ppid, pgrp.
        if int(stat.rpartition(")")[2].split()[2]) == group:
            yield int(entry.name)


def group_sockets(group: int) -> set[Socket]:
    """Every IP socket held by a process of this process group (a node)."""
    table = _socket_table()
    found: set[Socket] = set()
    for pid in _group_members(group):
        try:
            links = [os.readlink(f) for f in Path(f"/proc/{pid}/fd").iterdir()]
        except OSError:
            continue  # ended meanwhile
        for link in links:
            if link.startswith("socket:[") and link[8:-1] in table:
                found.add(table[link[8:-1]])
    return found

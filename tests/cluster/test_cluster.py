"""Faults under a bounded Open311 load, on the production process layout (tests/cluster/harness.py).

The scenarios run in this order on one cluster, each leaving it whole for the next (a killed
node is started again); the database failovers come last because each uses up a replica.
Goals: no accepted request lost or doubled, every message delivered, one beat ticking.
"""

import itertools
import re
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest

from tests.cluster.backup import archive_current_wal, base_backup, restore_until
from tests.cluster.harness import Cluster
from tests.cluster.load import LoadResult, OpenLoad, figures, outbox_counts, stored_reports
from tests.cluster.nodes import wait_until
from tests.cluster.redis_nodes import QUORUM, SENTINELS

pytestmark = [pytest.mark.cluster, pytest.mark.slow]
Record = Callable[[str, dict[str, Any]], None]
SEND = re.compile(
    r"^\[(\S+ \S+): INFO/MainProcess\] Scheduler: Sending due task sweep-outbox",
    re.M,
)


def _load(cluster: Cluster, tag: str, count: int = 90) -> OpenLoad:
    load = OpenLoad(cluster.url, cluster.api_key, tag)
    load.start(count=count)
    return load


def _all_sent(cluster: Cluster, tag: str) -> bool:
    counts = outbox_counts(cluster.primary, tag)
    return bool(counts) and set(counts) == {"sent"}


def _finish(cluster: Cluster, result: LoadResult, **extra: Any) -> dict[str, Any]:
    started = time.monotonic()
    delivered = True
    try:
        wait_until("every message delivered", lambda: _all_sent(cluster, result.tag), 240, 1)
    except TimeoutError:
        delivered = False
    return {
        **figures(cluster.primary, cluster.mail, result),
        "all_messages_delivered": delivered,
        "delivery_wait_s": round(time.monotonic() - started, 1),
        **extra,
    }


def _assert_whole(numbers: dict[str, Any]) -> None:
    assert numbers["lost"] == 0, numbers
    assert numbers["doubled"] == 0, numbers
    assert numbers["given_up_by_clients"] == 0, numbers
    assert numbers["all_messages_delivered"], numbers


def test_every_node_listens_on_its_own_loopback_address_only(
    cluster: Cluster, record: Record
) -> None:
    numbers = cluster.address_check()
    record("addresses at the start", numbers)
    assert numbers["listening_otherwise"] == {}, numbers
    assert numbers["sockets_outside_127/8"] == [], numbers


def test_a_killed_web_node_is_dropped_and_no_accepted_report_is_lost(
    cluster: Cluster, record: Record
) -> None:
    load = _load(cluster, "web")
    time.sleep(4)
    cluster.processes.kill("web2")
    dropped = wait_until("HAProxy drops web2", lambda: "web2" not in cluster.servers_up(), 30, 0.1)
    numbers = _finish(cluster, load.wait(), haproxy_dropped_node_s=round(dropped, 1))
    record("kill -9 a web node", numbers)
    cluster.start_web("web2")
    wait_until("web2 back in HAProxy", lambda: "web2" in cluster.servers_up(), 180, 1)
    _assert_whole(numbers)


def test_a_killed_worker_leaves_its_messages_to_the_other(cluster: Cluster, record: Record) -> None:
    received = cluster.log("worker1").count("notifications.deliver[")
    load = _load(cluster, "worker")
    # Kill it while it is delivering: once it has taken a delivery of this load.
    wait_until(
        "worker1 takes a delivery",
        lambda: cluster.log("worker1").count("notifications.deliver[") > received,
        60,
        0.05,
    )
    cluster.processes.kill("worker1")
    numbers = _finish(cluster, load.wait())
    record("kill -9 a worker node", numbers)
    cluster.start_worker("worker1")
    _assert_whole(numbers)
    # Delivery is at least once: the one pool process may die after the mail server took its
    # message and before "sent" was committed; that message is sent again with the same
    # Message-ID (the count is by it). Nothing else may be repeated.
    assert numbers["emails_delivered_twice"] <= 1, numbers


def _sweeps(log: str) -> list[datetime]:
    # Both beats log in the same (the city's) time zone: only differences are used.
    return [
        datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S,%f")  # noqa: DTZ007
        for stamp in SEND.findall(log)
    ]


def test_one_beat_ticks_and_the_tick_moves_when_it_dies(cluster: Cluster, record: Record) -> None:
    cluster.start_beat("beat2")
    wait_until("beat2 starts", lambda: "beat: Starting" in cluster.log("beat2"), 240, 1)
    time.sleep(40)  # longer than the sweep's 30 s interval: a ticking beat sends one
    second_sent_while_first_alive = len(_sweeps(cluster.log("beat2")))
    cluster.processes.kill("beat1")
    took_over = wait_until(
        "beat2 takes the lock", lambda: "beat lock taken" in cluster.log("beat2"), 60, 0.2
    )
    wait_until("beat2 sends", lambda: len(_sweeps(cluster.log("beat2"))) > 0, 60, 0.5)
    first, second = _sweeps(cluster.log("beat1")), _sweeps(cluster.log("beat2"))
    times = sorted(first + second)
    gaps = [(b - a).total_seconds() for a, b in itertools.pairwise(times)]
    numbers = {
        "beat1_sweeps": len(first),
        "beat2_sweeps_while_beat1_alive": second_sent_while_first_alive,
        "takeover_after_kill_s": round(took_over, 1),
        "sweep_gap_min_s": round(min(gaps), 1) if gaps else None,
        "sweep_gap_max_s": round(max(gaps), 1) if gaps else None,
    }
    record("beat: kill -9 the one ticking", numbers)
    assert second_sent_while_first_alive == 0, numbers
    assert first, numbers
    assert second, numbers


def test_redis_master_failover_loses_no_accepted_report_or_message(
    cluster: Cluster, record: Record
) -> None:
    load = _load(cluster, "redis")
    time.sleep(4)
    old_master = cluster.redis.master_name()
    promoted = cluster.redis.fail_master()
    failed_at = time.monotonic()
    result = load.wait()
    numbers = _finish(
        cluster,
        result,
        sentinels=len(SENTINELS),
        quorum=QUORUM,
        sentinels_naming_the_new_master=cluster.redis.masters_named().count(
            cluster.redis.other(old_master)
        ),
        sentinels_promoted_s=round(promoted, 1),
        intake_answers_again_s=_answers_again(result, failed_at - promoted),
        old_master=old_master,
    )
    record("Redis master failover (Sentinel)", numbers)
    _assert_whole(numbers)


def _answers_again(result: LoadResult, fault_at: float) -> float | None:
    answered = result.first_success_started_after(fault_at)
    return None if answered is None else round(answered - fault_at, 1)


def test_backup_and_point_in_time_restore(cluster: Cluster, record: Record) -> None:
    base = cluster.root / "base"
    base_backup(cluster.primary, base)
    before = _load(cluster, "pitr-before", count=30).wait()
    (target,) = cluster.primary.sql("SELECT clock_timestamp()::text")[0]
    time.sleep(1.5)
    after = _load(cluster, "pitr-after", count=30).wait()
    archive_current_wal(cluster.primary, cluster.archive)
    started = time.monotonic()
    restored = restore_until(
        cluster.processes,
        cluster.root,
        base=base,
        archive=cluster.archive,
        until=str(target),
        password=cluster.password,
    )
    try:
        numbers = {
            "before_target_accepted": len(before.accepted),
            "before_target_restored": len(stored_reports(restored, "pitr-before")),
            "after_target_accepted": len(after.accepted),
            "after_target_restored": len(stored_reports(restored, "pitr-after")),
            "restore_s": round(time.monotonic() - started, 1),
        }
        record("point-in-time restore", numbers)
        assert set(stored_reports(restored, "pitr-before")) == set(before.accepted), numbers
        assert numbers["after_target_restored"] == 0, numbers
    finally:
        restored.stop()


# Long enough for the load (6 reports a second) to be accepted many times over, well inside
# wal_receiver_timeout (60 s), after which the standby would reconnect and catch up.
PAUSE_SECONDS = 6.0


def _database_failover(cluster: Cluster, tag: str) -> dict[str, Any]:
    """Under a load of 120 reports: after 4 s the primary's WAL stops reaching the standby;
    6 s later the primary is killed -9 and the standby promoted; the load goes on, clients
    retrying what was not answered. With asynchronous replication the primary goes on
    accepting during the pause, and what it accepted then is lost; with synchronous
    replication its commits wait for the standby, so it accepts nothing then."""
    standby = cluster.replica
    assert standby is not None, "no standby to promote"
    load = _load(cluster, tag, count=120)
    time.sleep(4)
    paused_at = time.monotonic()
    senders = cluster.primary.pause_wal_senders()
    time.sleep(PAUSE_SECONDS)
    behind = cluster.primary.wal_bytes_ahead_of(standby)
    waiting = cluster.primary.commits_waiting_for_standby()
    crashed_at = time.monotonic()
    script = cluster.fail_over_database()
    result = load.wait()
    answered = result.answered_between(paused_at, crashed_at)
    return _finish(
        cluster,
        result,
        wal_senders_paused=senders,
        pause_s=PAUSE_SECONDS,
        wal_bytes_not_on_standby_at_crash=behind,
        commits_waiting_for_standby_at_crash=waiting,
        # Accepted after the pause began: their WAL never reached the standby.
        accepted_while_paused=sum(1 for a in answered if a.ok and a.started >= paused_at),
        answers_while_paused=result.outcomes(answered),
        # Waiting for an answer when the primary died, by the answer they got after it.
        unanswered_at_crash=result.outcomes(result.unanswered_at(crashed_at)),
        failover_script_s=round(script, 1),
        intake_answers_again_s=_answers_again(result, crashed_at),
    )


def test_primary_failover_with_asynchronous_replication(cluster: Cluster, record: Record) -> None:
    numbers = _database_failover(cluster, "pg-async")
    record("PostgreSQL failover, asynchronous", numbers)
    cluster.add_replica("pg3", synchronous=True)
    # The risk shown: the primary acknowledged reports the standby never received.
    assert numbers["commits_waiting_for_standby_at_crash"] == 0, numbers
    assert numbers["accepted_while_paused"] > 0, numbers
    assert numbers["lost"] > 0, numbers
    assert numbers["doubled"] == 0, numbers


def test_primary_failover_with_synchronous_replication(cluster: Cluster, record: Record) -> None:
    numbers = _database_failover(cluster, "pg-sync")
    record("PostgreSQL failover, synchronous", numbers)
    addresses = cluster.address_check()
    record("addresses at the end", addresses)
    _assert_whole(numbers)
    # Commits waited for the standby instead of being acknowledged and then lost.
    assert numbers["commits_waiting_for_standby_at_crash"] > 0, numbers
    assert numbers["accepted_while_paused"] == 0, numbers
    assert addresses["listening_otherwise"] == {}, addresses
    assert addresses["sockets_outside_127/8"] == [], addresses

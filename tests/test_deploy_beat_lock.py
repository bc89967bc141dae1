"""Two beats never both send: the Redis lock held by core.beat (against the real Redis)."""

import uuid
from collections.abc import Iterator

import pytest
from django.conf import settings
from redis import Redis

from core.beat import BeatLock


@pytest.fixture
def lock_key() -> Iterator[str]:
    key = f"civic311:test-beat-lock:{uuid.uuid4().hex}"
    yield key
    Redis.from_url(settings.REDIS_URL).delete(key)


def _beat(key: str, seconds: int = 30) -> BeatLock:
    return BeatLock(client=Redis.from_url(settings.REDIS_URL), seconds=seconds, key=key)


def test_only_one_beat_holds_the_lock(lock_key: str) -> None:
    first, second = _beat(lock_key), _beat(lock_key)
    assert first.hold()
    assert not second.hold()
    # Renewing keeps it: the holder goes on, the other still waits.
    assert first.hold()
    assert not second.hold()


def test_a_released_lock_goes_to_the_waiting_beat(lock_key: str) -> None:
    first, second = _beat(lock_key), _beat(lock_key)
    assert first.hold()
    first.release()
    assert second.hold()
    assert not first.hold()


def test_a_dead_beats_lock_expires(lock_key: str) -> None:
    first, second = _beat(lock_key, seconds=30), _beat(lock_key)
    assert first.hold()
    # The holder died: its key's expiry runs out (shortened here instead of waiting).
    Redis.from_url(settings.REDIS_URL).delete(lock_key)
    assert second.hold()
    assert not first.hold()


def test_the_locked_scheduler_does_not_tick_while_another_beat_holds_the_lock(
    lock_key: str, monkeypatch: pytest.MonkeyPatch, tmp_path: object
) -> None:
    from celery.beat import PersistentScheduler

    from civic311.celery import app
    from core import beat

    ticks: list[int] = []

    def tick(self: PersistentScheduler, *args: object, **kwargs: object) -> float:
        ticks.append(1)
        return 5.0

    monkeypatch.setattr(PersistentScheduler, "tick", tick)
    holder = _beat(lock_key)
    assert holder.hold()
    scheduler = beat.LockedScheduler(app=app, schedule_filename=f"{tmp_path}/schedule", lazy=True)
    scheduler.beat_lock = BeatLock(client=beat.lock_client(), seconds=30, key=lock_key)
    assert scheduler.tick() == scheduler.renew_seconds
    assert ticks == []
    holder.release()
    assert scheduler.tick() == 5.0
    assert ticks == [1]
    scheduler.close()
    assert holder.hold()


def test_a_beat_that_cannot_reach_redis_stops_sending_instead_of_ending(lock_key: str) -> None:
    # A Redis master failing over answers nothing for a few seconds (the cluster test met it).
    unreachable = Redis(host="127.0.0.1", port=1, socket_connect_timeout=0.5)
    beat = BeatLock(client=unreachable, seconds=30, key=lock_key)
    assert not beat.hold()
    beat.release()  # and stopping it does not raise either

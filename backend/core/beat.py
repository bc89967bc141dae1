"""Celery beat that ticks only while it holds a Redis lock, so two beats never both send.

Kubernetes runs beat as one replica with the Recreate strategy, but a node that loses its
network can leave an old pod running while a new one starts; without the lock both would
queue every scheduled job. The lock (redis-py's `Lock`, a token under one key with an
expiry) is taken before the first tick and renewed on every tick; a beat that cannot take
it waits, and one that finds it lost stops sending until it takes it again. Ticks come at
most every `LOCK_RENEW_SECONDS`, well inside the lock's expiry, so a live holder never loses
it, and a dead holder's lock expires within `CIVIC311_BEAT_LOCK_SECONDS`.

Use: `celery -A civic311 beat --scheduler core.beat:LockedScheduler`.
"""

import contextlib
import logging
from typing import Any

from celery.beat import PersistentScheduler
from django.conf import settings
from redis import Redis
from redis.exceptions import LockError, RedisError
from redis.lock import Lock
from redis.sentinel import Sentinel

logger = logging.getLogger(__name__)

LOCK_KEY = "civic311:beat-lock"


class BeatLock:
    """The one lock all beats of a deployment compete for."""

    def __init__(self, *, client: Redis, seconds: int, key: str = LOCK_KEY) -> None:
        self.seconds = seconds
        self._lock = Lock(client, key, timeout=seconds, thread_local=False)

    def hold(self) -> bool:
        """Take the lock, or renew it if this beat holds it; False if another beat does."""
        try:
            if self._lock.owned():
                self._lock.reacquire()
                return True
            return bool(self._lock.acquire(blocking=False))
        except LockError:
            # Expired and taken by another beat between our check and our renewal.
            return False
        except RedisError:
            # Redis unreachable (a master failing over): stop sending until the lock is ours
            # again, rather than end beat; a holder that cannot renew loses it at expiry.
            logger.warning("beat lock: Redis unavailable", exc_info=True)
            return False

    def release(self) -> None:
        with contextlib.suppress(LockError, RedisError):
            self._lock.release()


def lock_client() -> Redis:
    if settings.REDIS_SENTINELS:
        sentinel = Sentinel(settings.REDIS_SENTINELS, socket_timeout=2.0)  # type: ignore[no-untyped-call]
        master: Redis = sentinel.master_for(  # type: ignore[no-untyped-call]
            settings.REDIS_SENTINEL_MASTER, socket_timeout=2.0
        )
        return master
    return Redis.from_url(settings.CIVIC311_BEAT_LOCK_URL, socket_timeout=2.0)


class LockedScheduler(PersistentScheduler):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.beat_lock = BeatLock(client=lock_client(), seconds=settings.CIVIC311_BEAT_LOCK_SECONDS)
        self.renew_seconds = max(1, settings.CIVIC311_BEAT_LOCK_SECONDS // 3)
        self._holding = False
        super().__init__(*args, **kwargs)
        # Beat sleeps up to max_interval between ticks: renew well before the lock expires.
        self.max_interval = min(self.max_interval or self.renew_seconds, self.renew_seconds)

    def tick(self, *args: Any, **kwargs: Any) -> float:
        holding = self.beat_lock.hold()
        if holding != self._holding:
            logger.warning("beat lock %s", "taken: sending" if holding else "held elsewhere")
            self._holding = holding
        if not holding:
            return float(self.renew_seconds)
        return float(min(super().tick(*args, **kwargs), self.renew_seconds))

    def close(self) -> None:
        super().close()
        if self._holding:
            self.beat_lock.release()
            self._holding = False

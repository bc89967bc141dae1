"""A bounded Open311 load with client retries and idempotency, and the checks after it.

Each report has its own `device_id` (Open311's idempotency: the same device and content
within ten minutes answers with the same request) and a description naming its scenario and
number, so the database can be asked which accepted reports are stored, missing or doubled.
A client retries a report (same device and content) on any failure, with a pause, until it
is accepted or its deadline passes: as the published apps do.
"""

import http.client
import json
import re
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.cluster.database import PostgresNode


@dataclass
class Attempt:
    started: float
    ended: float
    outcome: str  # "accepted", "http 503", "timeout", "connection error", "bad answer"

    @property
    def ok(self) -> bool:
        return self.outcome == ACCEPTED


@dataclass
class LoadResult:
    tag: str
    accepted: dict[str, str] = field(default_factory=dict)  # description -> service_request_id
    given_up: list[str] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, attempt: Attempt) -> None:
        with self.lock:
            self.attempts.append(attempt)

    @property
    def failed_attempts(self) -> int:
        return sum(1 for a in self.attempts if not a.ok)

    def first_success_started_after(self, moment: float) -> float | None:
        ends = [a.ended for a in self.attempts if a.ok and a.started >= moment]
        return min(ends) if ends else None

    def answered_between(self, start: float, end: float) -> list[Attempt]:
        return [a for a in self.attempts if start <= a.ended < end]

    def unanswered_at(self, moment: float) -> list[Attempt]:
        """Attempts sent before this moment and answered (or given up) only after it."""
        return [a for a in self.attempts if a.started < moment <= a.ended]

    def outcomes(self, attempts: list[Attempt]) -> dict[str, int]:
        return dict(Counter(a.outcome for a in attempts))


class OpenLoad:
    """`count` reports from `clients` threads at about `rate` per second in all."""

    def __init__(self, base_url: str, api_key: str, tag: str) -> None:
        self.base_url = base_url
        self.api_key = api_key
        self.result = LoadResult(tag)
        self._thread: threading.Thread | None = None

    def start(
        self, *, count: int, rate: float = 6.0, clients: int = 4, deadline: float = 150
    ) -> None:
        def run() -> None:
            begin = time.monotonic()
            with ThreadPoolExecutor(clients) as pool:
                for number in range(count):
                    # Paced: report n leaves at n / rate seconds, whatever the answers.
                    time.sleep(max(0.0, begin + number / rate - time.monotonic()))
                    pool.submit(self._report, number, begin + deadline)

        self._thread = threading.Thread(target=run, daemon=True)
        self._thread.start()

    def wait(self, seconds: float = 240) -> LoadResult:
        assert self._thread is not None
        self._thread.join(seconds)
        assert not self._thread.is_alive(), "the load did not finish in time"
        return self.result

    def _report(self, number: int, deadline: float) -> None:
        description = f"cluster {self.result.tag} {number}"
        body = urllib.parse.urlencode(
            {
                "api_key": self.api_key,
                "service_code": "pothole",
                "lat": "43.07",
                "long": "-89.40",
                "description": description,
                "device_id": f"{self.result.tag}-{number}",
                "email": f"resident{number}@example.org",
            }
        ).encode()
        pause = 0.25
        while time.monotonic() < deadline:
            started = time.monotonic()
            answer, outcome = _post(f"{self.base_url}/open311/v2/requests.json", body)
            self.result.record(Attempt(started, time.monotonic(), outcome))
            if answer is not None:
                with self.result.lock:
                    self.result.accepted[description] = answer
                return
            time.sleep(pause)
            pause = min(pause * 2, 2.0)
        with self.result.lock:
            self.result.given_up.append(description)


ACCEPTED = "accepted"


def _post(url: str, body: bytes) -> tuple[str | None, str]:
    """The accepted request's id (None for any failure: the client tries again), and what
    happened."""
    try:
        # Only ever the cluster's HAProxy, on its loopback address.
        request = urllib.request.Request(url, data=body, method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=60) as answer:  # noqa: S310
            if answer.status != 200:
                return None, f"http {answer.status}"
            return str(json.loads(answer.read())[0]["service_request_id"]), ACCEPTED
    except urllib.error.HTTPError as error:
        return None, f"http {error.code}"
    except TimeoutError:
        return None, "timeout"
    except urllib.error.URLError as error:
        timed_out = isinstance(error.reason, TimeoutError)
        return None, "timeout" if timed_out else "connection error"
    except (OSError, http.client.HTTPException):
        return None, "connection error"
    except (ValueError, KeyError, IndexError):
        return None, "bad answer"


def stored_reports(database: PostgresNode, tag: str) -> dict[str, list[str]]:
    """Description -> every stored request's id carrying it."""
    rows = database.sql(
        "SELECT description, public_id FROM intake_servicerequest WHERE description LIKE %s",
        f"cluster {tag} %",
    )
    stored: dict[str, list[str]] = {}
    for description, public_id in rows:
        stored.setdefault(description, []).append(str(public_id))
    return stored


def outbox_counts(database: PostgresNode, tag: str) -> dict[str, int]:
    rows = database.sql(
        "SELECT m.status, count(*) FROM notifications_outboxmessage m"
        " JOIN intake_servicerequest r ON r.id = m.request_id"
        " WHERE r.description LIKE %s GROUP BY m.status",
        f"cluster {tag} %",
    )
    return {str(status): int(count) for status, count in rows}


def outbox_keys(database: PostgresNode, tag: str) -> set[str]:
    rows = database.sql(
        "SELECT m.key::text FROM notifications_outboxmessage m"
        " JOIN intake_servicerequest r ON r.id = m.request_id WHERE r.description LIKE %s",
        f"cluster {tag} %",
    )
    return {str(key) for (key,) in rows}


MESSAGE_ID = re.compile(r"^Message-ID: <([0-9a-f-]{36})@", re.MULTILINE | re.IGNORECASE)


def deliveries(mail: Path) -> Counter[str]:
    """How many times each outbox key was sent by email (the file backend's files)."""
    sent: Counter[str] = Counter()
    for path in mail.glob("*.log"):
        sent.update(MESSAGE_ID.findall(path.read_text(errors="replace")))
    return sent


def figures(database: PostgresNode, mail: Path, result: LoadResult) -> dict[str, Any]:
    """Requests accepted, stored, lost (accepted, not stored), doubled; outbox and emails."""
    stored = stored_reports(database, result.tag)
    keys = outbox_keys(database, result.tag)
    sent = deliveries(mail)
    lost = [number for description, number in result.accepted.items() if description not in stored]
    return {
        "requests_sent": len(result.accepted) + len(result.given_up),
        "accepted": len(result.accepted),
        "given_up_by_clients": len(result.given_up),
        "failed_attempts_retried": result.failed_attempts,
        "stored": len(stored),
        "lost": len(lost),
        # A resident holding a lost request's number may find another's request under it.
        "lost_numbers_given_to_another_request": _held(database, lost),
        "doubled": sum(1 for ids in stored.values() if len(ids) > 1),
        "outbox": outbox_counts(database, result.tag),
        "emails_delivered": sum(1 for key in keys if sent[key] >= 1),
        "emails_delivered_twice": sum(1 for key in keys if sent[key] > 1),
    }


def _held(database: PostgresNode, numbers: list[str]) -> int:
    rows = database.sql(
        "SELECT count(*) FROM intake_servicerequest WHERE public_id = ANY(%s)", numbers
    )
    return int(rows[0][0])

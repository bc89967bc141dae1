"""The cluster tests (`make test-cluster`): minutes long, so they run only when asked for
(`-m cluster`, or CIVIC311_CLUSTER_TESTS=1); `make test` skips them. Each scenario records
its figures; the run ends with them as a table and as one JSON object."""

import json
import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from tests.cluster.harness import Cluster

FIGURES: dict[str, dict[str, Any]] = {}
NEEDED = ("haproxy", "pgbouncer", "redis-server")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "cluster: the several-node cluster (make test-cluster)")


def _asked_for(config: pytest.Config) -> bool:
    return "cluster" in (config.option.markexpr or "") or bool(
        os.environ.get("CIVIC311_CLUSTER_TESTS")
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _asked_for(config):
        return
    skip = pytest.mark.skip(reason="minutes long: `make test-cluster` runs it")
    for item in items:
        if "cluster" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    missing = [tool for tool in NEEDED if shutil.which(tool) is None]
    if missing:
        pytest.fail(f"missing {', '.join(missing)}: run `make provision` as root")
    node = Cluster()
    try:
        node.start()
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def record() -> Any:
    def keep(scenario: str, figures: dict[str, Any]) -> None:
        FIGURES[scenario] = figures

    return keep


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not FIGURES:
        return
    write = terminalreporter.write_line
    write("")
    write(f"cluster figures (load average: {_load_average()})")
    for scenario, figures in FIGURES.items():
        flat = ", ".join(f"{k}={v}" for k, v in figures.items())
        write(f"  {scenario:<28} {flat}")
    write(json.dumps({"load_average": _load_average(), "scenarios": FIGURES}, sort_keys=True))


def _load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())

"""Residents' site benchmark: server time of the report form, the status page and the
map's data, and Lighthouse scores (phone profile) of the report and status pages.

It uses its own database (the stack's database name + "_web"), created, migrated and
given the demo city once, then filled once with `--rows` (1,000,000) synthetic requests
over two years (bench/queue's generate_series INSERT; about 123,000 in the public map's 90
days), reused after (`--requests` adds requests through the intake path on demand).
Server time is measured in-process with Django's test client (p50/p95 over `--samples`
calls each), with persistent database connections as in production
(DATABASE_CONN_MAX_AGE=60). The map's data is measured twice: as served (from the cache,
which any write to a request invalidates) and computed on every call (cache off).
Lighthouse (npm `lighthouse` 12.2.3, from this folder's package-lock.json, installed
with `npm ci` when missing) runs Debian's chromium headless against gunicorn on 127.0.0.1
with the production settings a city runs (collected, compressed static files served by
WhiteNoise; TLS redirect off, as behind the city's proxy).
Beside each page's scores: total and per-kind transfer bytes, the render-blocking
resources in its <head>, its metrics and the load average (the scores and timings suffer
from a loaded machine, the bytes do not).
Targets (issue 14): Accessibility 100, Best Practices >= 95, Performance >= 90;
p95 <= 50 ms.

Usage: python bench/web/run.py [--samples 200] [--rows 1000000] [--requests 0]
                               [--no-lighthouse]
Needs the local stack (DATABASE_URL, REDIS_URL): run it through `make bench`.
Prints progress on stderr and one JSON object on the last line of stdout.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "backend")]

from bench.databases import bench_database_url, ensure_database  # noqa: E402

CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _setup(url: str, extra_requests: int, rows: int) -> None:
    os.environ["DATABASE_URL"] = url
    # Production keeps connections open; a connection per call would be most of the time.
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "60")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civic311.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from intake.models import Service

    call_command("migrate", verbosity=0, interactive=False)
    if not Service.objects.exists():
        log("loading the demo city into the benchmark database")
        call_command("load_demo_city", "--requests", "300", verbosity=0, stdout=io.StringIO())
    if extra_requests:
        log(f"adding {extra_requests} synthetic requests")
        call_command("generate_requests", str(extra_requests), verbosity=0, stdout=io.StringIO())
    from bench.queue.run import fill

    fill(rows)


def _timed(path: str, samples: int, *, cached: bool = True) -> dict[str, float]:
    from django.test import Client, override_settings

    if not cached:
        with override_settings(CIVIC311_PUBLIC_MAP_CACHE_SECONDS=0):
            return _timed(path, samples)
    client = Client()
    for _ in range(10):
        client.get(path)
    timings, cpu = [], []
    for _ in range(samples):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    timings.sort()
    cpu.sort()
    # Wall time waits for a CPU on a busy machine; this process's own CPU time does not
    # (the database's work is not in it): both, so a loaded run can still be compared.
    return {
        "p50_ms": round(statistics.median(timings), 2),
        "p95_ms": round(timings[int(len(timings) * 0.95) - 1], 2),
        "cpu_p50_ms": round(statistics.median(cpu), 2),
        "cpu_p95_ms": round(cpu[int(len(cpu) * 0.95) - 1], 2),
    }


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for(address: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(address, timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{address} did not answer within {seconds} s")


class _HeadBlockers(HTMLParser):
    """Counts what holds the first paint in a page's <head>: stylesheets and scripts that
    are neither deferred nor async."""

    def __init__(self) -> None:
        super().__init__()
        self.in_head, self.count = True, 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        if tag == "body":
            self.in_head = False
        elif self.in_head and tag == "link" and given.get("rel") == "stylesheet":
            self.count += given.get("media") in (None, "all", "screen")
        elif self.in_head and tag == "script" and given.get("src"):
            self.count += not ({"defer", "async"} & given.keys() or given.get("type") == "module")


def _render_blocking(address: str) -> int:
    # Lighthouse 12.2's own audit fails on this chromium's traces (frame_sequence): count
    # them from the page itself (what is fetched does not depend on the machine's load).
    with urllib.request.urlopen(address, timeout=30) as answer:
        parser = _HeadBlockers()
        parser.feed(answer.read().decode("utf-8"))
    return parser.count


def _summary(report: dict[str, Any]) -> dict[str, Any]:
    """Scores, with what does not depend on the machine's load beside them: bytes sent by
    kind of resource and the load average when the run ended (the timings do depend)."""
    audits = report["audits"]
    summary: dict[str, Any] = {
        key: round(value["score"] * 100) for key, value in report["categories"].items()
    }
    transfer: dict[str, int] = {}
    for item in audits["network-requests"]["details"]["items"]:
        kind = str(item.get("resourceType", "Other")).lower()
        transfer[kind] = transfer.get(kind, 0) + int(item.get("transferSize") or 0)
    summary["total_bytes"] = int(audits["total-byte-weight"]["numericValue"])
    summary["transfer_bytes"] = dict(sorted(transfer.items()))
    summary["metrics_ms"] = {
        metric: round(audits[audit]["numericValue"])
        for metric, audit in (
            ("fcp", "first-contentful-paint"),
            ("lcp", "largest-contentful-paint"),
            ("tbt", "total-blocking-time"),
            ("speed_index", "speed-index"),
        )
    }
    summary["cls"] = round(audits["cumulative-layout-shift"]["numericValue"], 3)
    summary["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return summary


def _lighthouse(url: str, paths: dict[str, str]) -> dict[str, Any]:
    chromium = shutil.which("chromium")
    if chromium is None or shutil.which("npm") is None:
        return {"skipped": "needs Debian's chromium and npm"}
    if not (HERE / "node_modules" / ".bin" / "lighthouse").exists():
        log("npm ci (lighthouse 12.2.3)")
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    port = _free_port()
    results = ROOT / "bench" / "results"
    results.mkdir(exist_ok=True)
    env = os.environ | {
        "DATABASE_URL": url,
        "CIVIC311_ENV": "production",
        "DJANGO_SECRET_KEY": "bench-web-only-" + "k" * 40,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "false",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_STATIC_ROOT": str(results / "web-static"),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
        "GUNICORN_TIMEOUT": "120",  # workers import scikit-learn: slow on a busy machine
        "PYTHONPATH": f"{ROOT / 'backend'}:{ROOT}",
    }
    log("collectstatic")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-c",
            "deploy/production/gunicorn.conf.py",
            "civic311.wsgi",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(results / "web-gunicorn.log").open("w"),
    )
    scores: dict[str, Any] = {}
    try:
        _wait_for(f"http://127.0.0.1:{port}{next(iter(paths.values()))}")
        for name, path in paths.items():
            log(f"lighthouse {path}")
            report = results / f"lighthouse-{name}.json"
            subprocess.run(
                [
                    str(HERE / "node_modules" / ".bin" / "lighthouse"),
                    f"http://127.0.0.1:{port}{path}",
                    "--only-categories=performance,accessibility,best-practices",
                    "--output=json",
                    f"--output-path={report}",
                    f"--chrome-flags={CHROME_FLAGS}",
                    "--quiet",
                ],
                env=os.environ | {"CHROME_PATH": chromium},
                check=True,
                timeout=300,
            )
            scores[name] = _summary(json.loads(report.read_text()))
            scores[name]["render_blocking"] = _render_blocking(f"http://127.0.0.1:{port}{path}")
    finally:
        server.terminate()
        try:
            server.wait(timeout=40)  # gunicorn's graceful shutdown
        except subprocess.TimeoutExpired:
            server.kill()
    return scores


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--requests", type=int, default=0)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--no-lighthouse", action="store_true")
    args = parser.parse_args()
    url = bench_database_url("web")
    ensure_database(url)
    _setup(url, args.requests, args.rows)
    from intake.models import ServiceRequest

    # A request with a history (the synthetic rows have none): the demo city's newest.
    reference = (
        ServiceRequest.objects.exclude(routing_rule="bench")
        .order_by("-id")
        .values_list("public_id", flat=True)
        .first()
    )
    paths = {
        "report_form": "/report/pothole/",
        "status_page": f"/requests/{reference}/",
        "map_data": "/requests/map.geojson",
    }
    server_time = {name: _timed(path, args.samples) for name, path in paths.items()}
    server_time["map_data_uncached"] = _timed(paths["map_data"], args.samples, cached=False)
    result: dict[str, Any] = {
        "benchmark": "web",
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "requests_in_database": ServiceRequest.objects.count(),
        "server_time": server_time,
    }
    if not args.no_lighthouse:
        result["lighthouse"] = _lighthouse(
            url, {"report_form": paths["report_form"], "status_page": paths["status_page"]}
        )
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Databases of the benchmarks' own, next to the stack's: the demo city is never touched."""

from __future__ import annotations

import os

import psycopg


def bench_database_url(suffix: str) -> str:
    """The stack's DATABASE_URL with "_<suffix>" added to the database name."""
    head, _, name = os.environ["DATABASE_URL"].rpartition("/")
    return f"{head}/{name.split('?')[0]}_{suffix}"


def _admin_url(url: str) -> tuple[str, str]:
    head, _, name = url.rpartition("/")
    return head.replace("postgis://", "postgresql://") + "/postgres", name


def ensure_database(url: str, *, fresh: bool = False) -> None:
    """Create the database with PostGIS if it is missing; `fresh` drops it first."""
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(url.replace("postgis://", "postgresql://"), autocommit=True) as conn:
        conn.execute("SET client_min_messages = warning")
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def drop_database(url: str) -> None:
    admin, name = _admin_url(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

"""One routing engine per process, built from the database and rebuilt when its inputs change.

Requests never wait for a rebuild: they use the engine the process holds, and a request that
finds the version check due (every CIVIC311_ROUTING_REFRESH_SECONDS) wakes the process's
background thread, which compares the version of everything the engine is built from, builds
a new engine when it changed and swaps it in. Only the very first use in a process, when
there is no engine yet, builds in the caller.
"""

import logging
import os
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.gis.db.models import GeometryField
from django.contrib.postgres.aggregates import StringAgg
from django.db import close_old_connections, connections
from django.db.models import Count, Func, IntegerField, Model, QuerySet, TextField, Value
from django.db.models.functions import MD5, Cast, Coalesce
from shapely import wkb

from core.models import Area, Department, Holiday, WorkUnit
from intake.models import Service, ServiceAttribute
from routing.calendar import WorkingCalendar
from routing.classifier import ServiceClassifier
from routing.engine import Router
from routing.geo import Area as EngineArea
from routing.geo import AreaIndex
from routing.proposals import Proposal
from routing.rules import Family, Rule, RuleSet
from routing.text import TextModel
from routing_adapter.models import RoutingModel, RoutingRule

logger = logging.getLogger(__name__)

# The service's default department is the baseline: learned rules (priority 100 and up)
# and rules written by people (1000) both come before it.
DEFAULT_OWNER_PRIORITY = 50

# What the engine and its directory are built from. Every column of these models is in the
# change check, read from the models themselves: a field added to a department or a service
# later is watched without anyone remembering to add it here.
_WATCHED: tuple[type[Model], ...] = (
    RoutingRule,
    RoutingModel,
    Service,
    ServiceAttribute,
    Department,
    WorkUnit,
    Holiday,
    Area,
)
# Too large to hash every few seconds: an area's shape (MAX_AGE_SECONDS rebuilds cover an
# edit in place) and the learned model's contents (written whole, so updated_at changes).
_UNWATCHED = {"classifier", "families", "cell_sizes", "metadata", "text_model"}


# The id prefix of the rules made from the catalogue: a service's usual department.
SERVICE_DEFAULT_PREFIX = "service-default:"


def _row_text(model: type[Model]) -> Func:
    columns = [
        Cast(field.attname, TextField())
        for field in model._meta.concrete_fields
        if field.name not in _UNWATCHED and not isinstance(field, GeometryField)
    ]
    return Func(Value(":"), *columns, function="concat_ws", output_field=TextField())


def _digest(model: type[Model]) -> QuerySet[Any, dict[str, Any]]:
    """One row: the model's name, its row count and a digest of every watched column."""
    rows: QuerySet[Any, dict[str, Any]] = (
        model._default_manager.order_by()
        # A constant to group by: the whole table aggregates to one row.
        .annotate(_table=Value(1, output_field=IntegerField()))
        .values("_table")
        .annotate(
            model=Value(model._meta.label, output_field=TextField()),
            digest=MD5(
                Coalesce(
                    StringAgg(_row_text(model), delimiter=",", order_by=("pk",)),
                    Value(""),
                    output_field=TextField(),
                )
            ),
            rows=Count("pk"),
        )
        .values("model", "digest", "rows")
    )
    return rows


# A geometry edited in place changes no count or id: rebuild at least this often anyway.
MAX_AGE_SECONDS = 300


@dataclass(frozen=True)
class Directory:
    """The departments, units and calendars decisions are resolved against, kept in memory
    with the router so routing a request costs no query."""

    departments: dict[str, Department]
    units: dict[tuple[str, str], WorkUnit]
    calendars: dict[str, WorkingCalendar]
    # Active services with their attributes, for intake's validation without a query.
    services: dict[str, Service]
    # Active departments whose configuration cannot be used (slug: why): skipped by routing,
    # reported by readiness, the admin and the log, so one bad row never stops intake.
    unusable: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Cached:
    fingerprint: tuple[str, ...]
    router: Router
    directory: Directory
    built_at: float


_lock = threading.Lock()
_cached: _Cached | None = None


def _fingerprint_query() -> tuple[str, str, tuple[Any, ...]]:
    """The digest query's database and SQL, as the ORM writes it, compiled once per process:
    compiling eight aggregates over every column took more CPU than running them, and the
    check runs beside requests in the same process."""
    global _fingerprint_compiled
    if _fingerprint_compiled is None:
        first, *others = (_digest(model) for model in _WATCHED)
        query = first.union(*others, all=True)
        sql, params = query.query.get_compiler(using=query.db).as_sql()
        _fingerprint_compiled = (query.db, sql, tuple(params))
    return _fingerprint_compiled


_fingerprint_compiled: tuple[str, str, tuple[Any, ...]] | None = None


def _fingerprint() -> tuple[str, ...]:
    """Every watched table's digest, in one round trip (the version the engine was built
    from: checked every CIVIC311_ROUTING_REFRESH_SECONDS per process, off the request path)."""
    alias, sql, params = _fingerprint_query()
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description or ()]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return tuple(sorted(f"{r['model']}:{r['rows']}:{r['digest']}" for r in rows))


def _default_owner_rules() -> list[Rule]:
    rules = []
    services = Service.objects.filter(is_active=True, default_department__isnull=False)
    for code, department in services.values_list("code", "default_department__slug"):
        rules.append(
            Rule.from_dict(
                {
                    "id": f"{SERVICE_DEFAULT_PREFIX}{code}",
                    "when": {"service": code},
                    "department": department,
                    "priority": DEFAULT_OWNER_PRIORITY,
                    "note": "the service's default department in the catalogue",
                }
            )
        )
    return rules


def _areas() -> AreaIndex:
    areas = [
        EngineArea(kind=kind, name=name, geometry=wkb.loads(bytes(geometry.wkb)), agency=agency)
        for kind, name, geometry, agency in Area.objects.values_list(
            "kind", "name", "geometry", "agency"
        )
    ]
    return AreaIndex(areas, tolerance_m=settings.CIVIC311_ROUTING_TOLERANCE_M)


def build_router() -> Router:
    model = RoutingModel.objects.filter(name="active").first()
    rules = [r.as_rule() for r in RoutingRule.objects.filter(is_active=True)]
    families = [Family.from_dict(f) for f in (model.families if model else [])]
    rule_set = RuleSet(
        [*rules, *_default_owner_rules()],
        triage_department=settings.CIVIC311_TRIAGE_DEPARTMENT,
        families=families,
        cell_sizes=(model.cell_sizes if model else []),
        adopt_after=model.adopt_after if model else 0,
        proposals=[Proposal.from_dict(p) for p in (model.proposals if model else [])],
        text_model=(TextModel.from_dict(model.text_model) if model and model.text_model else None),
    )
    classifier = (
        ServiceClassifier.from_dict(model.classifier) if model and model.classifier else None
    )
    return Router(rule_set, areas=_areas(), classifier=classifier)


def working_calendar(department: Department, *, holidays: Iterable[date]) -> WorkingCalendar:
    return WorkingCalendar(
        timezone=ZoneInfo(settings.TIME_ZONE),
        working_days=frozenset(department.working_days),
        day_starts_at=department.day_starts_at,
        day_ends_at=department.day_ends_at,
        holidays=frozenset(holidays),
    )


def build_directory() -> Directory:
    departments = {d.slug: d for d in Department.objects.filter(is_active=True)}
    units = {
        (u.department.slug, u.slug): u
        for u in WorkUnit.objects.filter(is_active=True).select_related("department")
    }
    city_wide: list[date] = []
    own: dict[int, list[date]] = {}
    for department_id, day in Holiday.objects.values_list("department_id", "date"):
        (city_wide if department_id is None else own.setdefault(department_id, [])).append(day)
    calendars, unusable = _calendars(departments, city_wide=city_wide, own=own)
    for slug in unusable:
        del departments[slug]
    services = {
        service.code: service
        for service in Service.objects.filter(is_active=True)
        .select_related("default_department")
        .prefetch_related("attributes")
    }
    return Directory(
        departments=departments,
        units=units,
        calendars=calendars,
        services=services,
        unusable=unusable,
    )


def _calendars(
    departments: dict[str, Department], *, city_wide: list[date], own: dict[int, list[date]]
) -> tuple[dict[str, WorkingCalendar], dict[str, str]]:
    calendars: dict[str, WorkingCalendar] = {}
    unusable: dict[str, str] = {}
    for slug, department in departments.items():
        try:
            calendars[slug] = working_calendar(
                department, holidays=city_wide + own.get(department.pk, [])
            )
        except (ValueError, TypeError) as exc:
            unusable[slug] = f"working calendar: {exc}"
            logger.error(
                "routing: department %s skipped, its configuration cannot be used: %s", slug, exc
            )
    return calendars, unusable


def _build(fingerprint: tuple[str, ...]) -> _Cached:
    return _Cached(
        fingerprint=fingerprint,
        router=build_router(),
        directory=build_directory(),
        built_at=time.monotonic(),
    )


def _refresh() -> _Cached:
    """Check the version and build a new engine when it changed (or is too old), then swap
    it in whole: a reader holds either the old engine or the new one, never a mix."""
    global _cached
    with _lock:
        cached = _cached
        fingerprint = _fingerprint()
        too_old = cached is not None and time.monotonic() - cached.built_at >= MAX_AGE_SECONDS
        if cached is None or too_old or cached.fingerprint != fingerprint:
            cached = _cached = _build(fingerprint)
        return cached


class _Refresher:
    """Each process's background check: a request that finds the check due only wakes this
    thread and goes on with the engine it has; the thread checks, builds and swaps. A failed
    check or build keeps the engine in use, is logged and is kept for `engine_status`."""

    def __init__(self) -> None:
        self.due_at = 0.0
        self.wake = threading.Event()
        self.thread: threading.Thread | None = None
        self.pid = 0
        self.last_check_at: float | None = None
        self.last_error: str = ""
        self.failures = 0
        self.checks = 0
        self.starting = threading.Lock()

    def poke(self, now: float) -> None:
        if now < self.due_at:
            return
        self.due_at = now + settings.CIVIC311_ROUTING_REFRESH_SECONDS
        # A forked worker has no thread of its parent's: start its own.
        if not self._running():
            with self.starting:
                if not self._running():
                    self.pid = os.getpid()
                    self.wake = threading.Event()
                    self.thread = threading.Thread(
                        target=self._run, name="routing-refresh", daemon=True
                    )
                    self.thread.start()
        self.wake.set()

    def _running(self) -> bool:
        return self.thread is not None and self.pid == os.getpid() and self.thread.is_alive()

    def _run(self) -> None:
        while True:
            self.wake.wait()
            self.wake.clear()
            self.check()

    def check(self) -> None:
        try:
            _refresh()
            self.last_error = ""
        except Exception as exc:  # the database may be away: keep routing with what we have
            self.failures += 1
            self.last_error = f"{type(exc).__name__}: {exc}"
            logger.exception("routing: engine check or rebuild failed; the current one stays")
        finally:
            self.last_check_at = time.monotonic()
            self.checks += 1
            # The thread's own connection, kept as long as DATABASE_CONN_MAX_AGE keeps the
            # request threads' (closed after each check when that is 0): connecting anew every
            # few seconds cost more than the check itself.
            close_old_connections()


_refresher = _Refresher()


def _after_fork_in_child() -> None:
    """A forked process starts with no refresh thread and with locks nobody holds (a lock
    held by the parent's thread at the fork would otherwise never be released here)."""
    global _lock
    _lock = threading.Lock()
    _refresher.starting = threading.Lock()
    _refresher.thread = None


os.register_at_fork(after_in_child=_after_fork_in_child)


def _current() -> _Cached:
    cached = _cached
    if cached is None:
        # Nothing to answer with yet (warm-up did not run or failed): build it now, once.
        cached = _refresh()
        _refresher.due_at = time.monotonic() + settings.CIVIC311_ROUTING_REFRESH_SECONDS
        return cached
    if settings.CIVIC311_ROUTING_REFRESH_SECONDS <= 0:
        # Tests: checked on every call, in the caller, so their uncommitted writes are seen.
        return _refresh()
    _refresher.poke(time.monotonic())
    return cached


def engine_status() -> dict[str, Any]:
    """For operators: how old the engine is and whether the last background check failed."""
    cached, now = _cached, time.monotonic()
    checked = _refresher.last_check_at
    return {
        "built": cached is not None,
        "age_seconds": round(now - cached.built_at, 1) if cached is not None else None,
        "last_check_seconds_ago": round(now - checked, 1) if checked is not None else None,
        "last_error": _refresher.last_error,
        "failures": _refresher.failures,
    }


def current_router() -> Router:
    """The process's router, rebuilt in the background when rules, areas, services or
    departments change."""
    return _current().router


def current_directory() -> Directory:
    return _current().directory


def forget_router() -> None:
    global _cached
    _cached = None
    _refresher.due_at = 0.0

"""Load the Riverton demo city. Idempotent: a second run updates rather than duplicates."""

from datetime import date
from typing import Any

from django.db import transaction

from accounts.models import Role, User
from accounts.services import user_ensure
from core.models import Department, Holiday, WorkUnit
from core.services import address_import_rows, area_upsert
from demo import geography
from demo.catalogue import (
    CONTACT_REQUIRED_SERVICES,
    DEMO_PASSWORD,
    DEMO_ROUTING_RULES,
    DEMO_USERS,
    DEPARTMENTS,
    PUBLIC_NAMES_ES,
    SENSITIVE_SERVICES,
    SERVICES,
    SPANISH,
    SPANISH_GROUPS,
)
from intake.models import Service, ServiceAttribute, ServiceType
from qa.services import rubric_install_default
from routing_adapter.services import routing_rules_import


def _holidays(year: int) -> list[tuple[date, str]]:
    return [
        (date(year, 1, 1), "New Year's Day"),
        (date(year, 7, 4), "Independence Day"),
        (date(year, 12, 25), "Christmas Day"),
    ]


def _load_departments() -> None:
    for slug, name, public_name, units in DEPARTMENTS:
        spanish = PUBLIC_NAMES_ES.get(slug)
        department, _ = Department.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "public_name": public_name,
                "translations": {"es": {"public_name": spanish}} if spanish else {},
            },
        )
        for unit_slug, unit_name in units:
            WorkUnit.objects.update_or_create(
                department=department, slug=unit_slug, defaults={"name": unit_name}
            )


def _load_services() -> None:
    departments = {d.slug: d for d in Department.objects.all()}
    for spec in SERVICES:
        value, unit = spec["target"]
        service, _ = Service.objects.update_or_create(
            code=spec["code"],
            defaults={
                "name": spec["name"],
                "group": spec["group"],
                "description": spec["description"],
                "keywords": spec["keywords"],
                "type": spec.get("type", ServiceType.REALTIME),
                "default_department": departments.get(spec["department"] or ""),
                "target_value": value,
                "target_unit": unit,
                "is_sensitive": spec["code"] in SENSITIVE_SERVICES,
                "allows_anonymous": spec["code"] not in CONTACT_REQUIRED_SERVICES,
                "translations": _spanish_service(spec),
            },
        )
        spanish_questions = SPANISH.get(spec["code"], {}).get("attributes", {})
        for order, attribute in enumerate(spec["attributes"], start=1):
            question, answers = spanish_questions.get(attribute["code"], ("", {}))
            ServiceAttribute.objects.update_or_create(
                service=service,
                code=attribute["code"],
                defaults={
                    "description": attribute["description"],
                    "datatype": attribute["datatype"],
                    "required": attribute.get("required", False),
                    "order": order,
                    "values": attribute.get("values", []),
                    "translations": {"es": {"description": question, "values": answers}},
                },
            )


def _spanish_service(spec: dict[str, Any]) -> dict[str, Any]:
    spanish = SPANISH.get(spec["code"], {})
    return {
        "es": {
            "name": spanish.get("name", ""),
            "description": spanish.get("description", ""),
            "group": SPANISH_GROUPS.get(spec["group"], ""),
        }
    }


def _load_areas() -> None:
    area_upsert(kind="city-limits", name="City of Riverton", geometry=geography.CITY_LIMITS)
    for name, shape in geography.council_districts():
        area_upsert(kind="council-district", name=name, geometry=shape)
    area_upsert(
        kind="state-highway",
        name="State Highway 30 corridor",
        geometry=geography.STATE_HIGHWAY,
        agency="State Department of Transportation",
    )
    area_upsert(
        kind="county-park",
        name="Heron Marsh County Park",
        geometry=geography.COUNTY_PARK,
        agency="Marsh County Parks Department",
    )


def _load_addresses() -> None:
    address_import_rows(rows=geography.demo_addresses())


def _load_holidays(year: int) -> None:
    for y in (year, year + 1):
        for day, name in _holidays(y):
            Holiday.objects.get_or_create(date=day, department=None, defaults={"name": name})


def _load_users() -> list[User]:
    departments = {d.slug: d for d in Department.objects.all()}
    return [
        user_ensure(
            username=username,
            password=DEMO_PASSWORD,
            role=Role(role),
            departments=[departments[slug] for slug in slugs],
            first_name=first,
            last_name=last,
            email=f"{username}@riverton.example",
        )
        for username, role, slugs, first, last in DEMO_USERS
    ]


@transaction.atomic
def demo_city_load(*, year: int) -> list[User]:
    rubric_install_default()
    _load_departments()
    _load_services()
    _load_areas()
    _load_addresses()
    _load_holidays(year)
    routing_rules_import(
        data={"format": "civic311-routing-rules", "version": 1, "rules": DEMO_ROUTING_RULES}
    )
    return _load_users()

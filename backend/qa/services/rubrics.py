"""Rubric versions: publishing a new one, installing the default, the active one."""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from django.db import transaction

from core.errors import InvalidInput
from qa.models import (
    Rubric,
    RubricItem,
    Scale,
)

DEFAULT_RUBRIC = Path(__file__).parents[1] / "default_rubric.toml"


@transaction.atomic
def rubric_publish(
    *, version: str, name: str, items: Sequence[Mapping[str, Any]], pass_mark: int = 80
) -> Rubric:
    """A new rubric version, active for evaluations created from now on."""
    errors: list[str] = []
    if Rubric.objects.filter(version=version).exists():
        raise InvalidInput.field("version", f"Version {version} exists; publish a new one.")
    weights = sum(int(i.get("weight", 0)) for i in items if not i.get("critical"))
    if weights != 100:
        errors.append(f"Weights of non-critical items sum to {weights}, not 100.")
    for item in items:
        if item.get("scale") not in Scale.values:
            errors.append(f"{item.get('code')}: scale must be one of {', '.join(Scale.values)}.")
        if item.get("critical") and item.get("allows_na", False):
            errors.append(f"{item.get('code')}: a critical item always applies.")
    if errors:
        raise InvalidInput({"items": errors})
    Rubric.objects.filter(is_active=True).update(is_active=False)
    rubric = Rubric.objects.create(version=version, name=name, pass_mark=pass_mark, is_active=True)
    RubricItem.objects.bulk_create(
        RubricItem(
            rubric=rubric,
            order=n,
            code=i["code"],
            c_id=i["c_id"],
            title=i["title"],
            guidance=i.get("guidance", ""),
            scale=i["scale"],
            weight=int(i.get("weight", 0)),
            critical=bool(i.get("critical", False)),
            allows_na=bool(i.get("allows_na", not i.get("critical", False))),
        )
        for n, i in enumerate(items)
    )
    return rubric


def rubric_install_default() -> Rubric:
    with DEFAULT_RUBRIC.open("rb") as f:
        data = tomllib.load(f)
    existing = Rubric.objects.filter(version=data["version"]).first()
    if existing is not None:
        return existing
    return rubric_publish(
        version=data["version"], name=data["name"], items=data["item"], pass_mark=data["pass_mark"]
    )


def active_rubric() -> Rubric:
    rubric = Rubric.objects.filter(is_active=True).first()
    return rubric or rubric_install_default()

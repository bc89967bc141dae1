"""Reads for the reviewers' workspace: the rubric's wording, each person's queue, an evaluation
with the interaction in full, sampling periods, reviewer workload."""

from __future__ import annotations

from typing import Any

from django.http import Http404

from qa.models import SCALE_VALUES, Rubric, Scale
from qa.services import active_rubric


def rubric_as_dict(version: str | None = None) -> dict[str, Any]:
    """A rubric version (the active one by default) with every item's wording."""
    rubric = active_rubric() if version is None else Rubric.objects.filter(version=version).first()
    if rubric is None:
        raise Http404("No rubric of that version.")
    return {
        "version": rubric.version,
        "name": rubric.name,
        "pass_mark": rubric.pass_mark,
        "is_active": rubric.is_active,
        "published_at": rubric.published_at,
        "items": [
            {
                "code": i.code,
                "c_id": i.c_id,
                "title": i.title,
                "guidance": i.guidance,
                "scale": i.scale,
                "values": list(SCALE_VALUES[Scale(i.scale)]),
                "allows_na": i.allows_na,
                "weight": i.weight,
                "critical": i.critical,
                "order": i.order,
            }
            for i in rubric.items.all()
        ],
    }

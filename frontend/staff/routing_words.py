""" "Why it is here" in words a department worker reads at a glance: which kind of rule put
the request in this department. The routing engine's own text (rule ids, counts, shares)
stays available underneath for supervisors; the wording belongs to the page, not the engine.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from intake.models import EventKind, ServiceRequest
from intake.transfer_rules import (
    NAMED_BY_STAFF,
    ROUTING_DESK_AFTER_TRANSFERS,
    ROUTING_DESK_ALL_DECLINED,
)
from routing_adapter.models import RoutingRule, RuleSource
from routing_adapter.selectors import (
    FALLBACK_RULE_ID,
    SERVICE_DEFAULT_PREFIX,
    routing_rules_by_id,
)


@dataclass(frozen=True)
class RoutingReason:
    headline: str
    because: list[str] = field(default_factory=list)
    note: str = ""
    transfer_reason: str = ""
    engine_detail: str = ""
    rule: str = ""


def _condition(name: str, value: str, sr: ServiceRequest, areas: dict[str, str]) -> str:
    """One condition of a rule in plain words."""
    if name == "service":
        return _("the service is %(service)s") % {"service": sr.service.name}
    if name.startswith("area:"):
        return _("the place is in %(area)s") % {"area": areas.get(name[5:], value)}
    if name.startswith("cell:"):
        return _("the place is close to earlier requests")
    if name == "after_hours":
        return (
            _("it came in outside working hours")
            if value == "yes"
            else _("it came in during working hours")
        )
    if name.startswith("text:"):
        return _("the words of the description")
    if name.startswith("attr:"):
        return _("an answer to the service's questions")
    if name in ("street", "address", "zip"):
        return _("the street or address")
    if name == "channel":
        return _("how it was reported")
    return name


# Decisions the engine or a transfer makes without a stored rule, by their rule id.
FIXED = {
    FALLBACK_RULE_ID: gettext_lazy(
        "No rule covers this request here, so it went to the triage desk, which finds its owner."
    ),
    ROUTING_DESK_AFTER_TRANSFERS: gettext_lazy(
        "It was transferred more than once, so the supervisors' routing desk decides who owns it."
    ),
    ROUTING_DESK_ALL_DECLINED: gettext_lazy(
        "Every department likely to own it has declined it, so the supervisors' routing desk "
        "decides who owns it."
    ),
    NAMED_BY_STAFF: gettext_lazy("The person who transferred it named this department."),
}


def _by_rule(
    rule_id: str, rule: RoutingRule | None, sr: ServiceRequest, areas: dict[str, str]
) -> RoutingReason:
    if rule_id in FIXED:
        return RoutingReason(str(FIXED[rule_id]))
    if rule_id.startswith(SERVICE_DEFAULT_PREFIX):
        words = _(
            "This department looks after every %(service)s request "
            "(the service's usual department)."
        )
        return RoutingReason(words % {"service": sr.service.name})
    if rule is None:
        return RoutingReason(_("A routing rule sent it here."))
    because = [
        _condition(name, value, sr, areas)
        for name, value in sorted(rule.conditions.items())
        if name != "department"
    ]
    if rule.source == RuleSource.LEARNED:
        words = _(
            "Learned from past requests: requests like this one were mostly handled "
            "by this department."
        )
        return RoutingReason(words, because)
    words = _("A rule written by the city sends requests like this one here.")
    return RoutingReason(words, because, rule.note)


def routing_reason(sr: ServiceRequest, data: dict[str, Any] | None) -> RoutingReason | None:
    """The latest routing or transfer event's data (see routing_adapter) in plain words."""
    if not data:
        return None
    rule_id = str(data.get("rule") or "")
    areas = dict(str(a).split(":", 1) for a in data.get("areas") or [] if ":" in str(a))
    rule = routing_rules_by_id([rule_id]).get(rule_id)
    plain = _by_rule(rule_id, rule, sr, areas)
    event = data.get("event")
    moved = event is not None and event.kind == EventKind.TRANSFERRED
    return RoutingReason(
        headline=(_("Transferred here. ") if moved else "") + plain.headline,
        because=plain.because,
        note=plain.note,
        transfer_reason=str(data.get("reason") or ""),
        engine_detail=str(data.get("explanation") or ""),
        rule=rule_id,
    )

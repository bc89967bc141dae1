"""Transfers: a department that does not own a request passes it on, with its reason."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from core.errors import InvalidInput
from core.models import Department, WorkUnit
from intake import policies
from intake.limits import MAX_NOTE
from intake.models import EventKind, ServiceRequest, Transfer
from intake.services.history import request_event_record, request_locked
from intake.statuses import is_closed
from intake.transfer_rules import (
    NAMED_BY_STAFF,
    ROUTING_DESK_AFTER_TRANSFERS,
    ROUTING_DESK_ALL_DECLINED,
)
from routing_adapter.selectors import route_request, routing_desk
from routing_adapter.services import routing_feedback_record

# After this many transfers a request stops moving between departments: supervisors decide.
TRANSFERS_BEFORE_ROUTING_DESK = 2


@dataclass(frozen=True)
class _NewOwner:
    department: Department
    unit: WorkUnit | None
    rule_id: str
    why: str


def _check_transfer(
    locked: ServiceRequest,
    *,
    actor: User,
    reason: str,
    suggested_department: Department | None,
    override: bool,
) -> tuple[bool, set[str]]:
    """Who may pass it on, and to whom: the override that applies and who has declined."""
    if not reason:
        raise InvalidInput.field("reason", "Say why your department is not the owner.")
    if len(reason) > MAX_NOTE:
        raise InvalidInput.field("reason", f"At most {MAX_NOTE} characters.")
    if is_closed(locked.status):
        raise InvalidInput.field("status", "A closed request is not transferred; reopen it first.")
    at_routing_desk = locked.unit is not None and locked.unit.slug == (
        settings.CIVIC311_ROUTING_DESK_UNIT
    )
    if at_routing_desk:
        # The desk is where supervisors decide: they name the owner, refusals notwithstanding.
        policies.ensure(
            policies.can_override_transfer(actor), "Only supervisors assign from the routing desk."
        )
        if suggested_department is None:
            raise InvalidInput.field("suggested_department", "Name the department that owns it.")
        override = True
    if override and not policies.can_override_transfer(actor):
        raise InvalidInput.field("override", "Only a supervisor can override a refusal.")
    declined = set(locked.transfers.values_list("from_department__slug", flat=True))
    declined.add(locked.department.slug)
    if suggested_department is not None:
        if suggested_department.pk == locked.department_id:
            raise InvalidInput.field(
                "suggested_department", "That department already has the request."
            )
        if not suggested_department.is_active:
            raise InvalidInput.field("suggested_department", "That department is not active.")
        if suggested_department.slug in declined and not override:
            raise InvalidInput.field(
                "suggested_department",
                f"{suggested_department.name} has already declined this request; "
                "a supervisor can override.",
            )
    return override, declined


def _new_owner(
    locked: ServiceRequest,
    *,
    actor: User,
    suggested_department: Department | None,
    override: bool,
    declined: set[str],
) -> _NewOwner:
    if locked.transfers.count() + 1 >= TRANSFERS_BEFORE_ROUTING_DESK and not override:
        department, unit = routing_desk()
        why = "It has been transferred twice, so a supervisor decides who owns it."
        return _NewOwner(department, unit, ROUTING_DESK_AFTER_TRANSFERS, why)
    if suggested_department is not None:
        why = f"{actor.get_full_name() or actor.username} named the owner."
        return _NewOwner(suggested_department, None, NAMED_BY_STAFF, why)
    decision = route_request(service_request=locked, exclude=declined)
    if decision.department.slug in declined:
        department, unit = routing_desk()
        why = "Every likely owner has declined it, so a supervisor decides."
        return _NewOwner(department, unit, ROUTING_DESK_ALL_DECLINED, why)
    return _NewOwner(decision.department, decision.unit, decision.rule_id, decision.explanation)


def _hand_over(
    locked: ServiceRequest,
    *,
    owner: _NewOwner,
    actor: User,
    reason: str,
    suggested_department: Department | None,
    override: bool,
) -> Transfer:
    """Record the transfer, move the request, and tell the resident who has it now."""
    now = timezone.now()
    routed_by_rule = locked.routing_rule
    transfer = Transfer.objects.create(
        request=locked,
        from_department=locked.department,
        from_unit=locked.unit,
        to_department=owner.department,
        to_unit=owner.unit,
        suggested_department=suggested_department,
        reason=reason,
        routed_by_rule=routed_by_rule,
        override=override,
        actor=actor,
        at=now,
    )
    locked.department, locked.unit, locked.assignee = owner.department, owner.unit, None
    locked.routing_rule = owner.rule_id
    locked.updated_at = now
    locked.save(update_fields=["department", "unit", "assignee", "routing_rule", "updated_at"])
    public_name = owner.department.public_label()
    request_event_record(
        service_request=locked,
        kind=EventKind.TRANSFERRED,
        at=now,
        actor=actor,
        public=True,
        note=(
            f"Your request is now with {public_name}, who handle this. "
            f"Your reference number stays {locked.public_id}; you do not need to call again."
        ),
        data={
            "from": transfer.from_department.slug,
            "to": owner.department.slug,
            "unit": owner.unit.slug if owner.unit else None,
            "reason": reason,
            "rule": owner.rule_id,
            "routed_by_rule": routed_by_rule,
            "override": override,
            "explanation": owner.why,
        },
    )
    return transfer


@transaction.atomic
def service_request_transfer(
    *,
    service_request: ServiceRequest,
    actor: User,
    reason: str,
    suggested_department: Department | None = None,
    override: bool = False,
) -> Transfer:
    """A department that does not own the request passes it on; the resident keeps the same id.

    The new owner is the suggested department, else the engine's next choice excluding every
    department that has declined. A department that declined gets it back only by a
    supervisor's override; after the second transfer it goes to the supervisors' routing desk.
    """
    locked = request_locked(service_request)
    policies.ensure(
        policies.can_work_request(actor, locked),
        "Only the department that has the request can transfer it.",
    )
    reason = reason.strip()
    override, declined = _check_transfer(
        locked,
        actor=actor,
        reason=reason,
        suggested_department=suggested_department,
        override=override,
    )
    owner = _new_owner(
        locked,
        actor=actor,
        suggested_department=suggested_department,
        override=override,
        declined=declined,
    )
    transfer = _hand_over(
        locked,
        owner=owner,
        actor=actor,
        reason=reason,
        suggested_department=suggested_department,
        override=override,
    )
    if suggested_department is not None and owner.rule_id == NAMED_BY_STAFF:
        routing_feedback_record(service_request=locked)
    return transfer

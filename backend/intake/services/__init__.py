"""Writes on service requests: one function per use case, each in one transaction.

By use case: `creating` (every channel's intake command), `status` (the one place status
changes, notes, assignment, promised dates), `duplicates` (linking and following),
`transfers`, and `history` (the one function that appends to a request's history, used by
`work/` for escalation, at-risk and still-on-it too). Import from here.
"""

from intake.commands import IntakeCommand, Location, Requester, Submitted
from intake.limits import MAX_DESCRIPTION, MAX_MEDIA_URLS, MAX_NOTE
from intake.services.creating import (
    requester_clean,
    service_request_create,
    service_request_submit,
)
from intake.services.duplicates import (
    service_request_follow,
    service_request_link_duplicate,
    service_request_unfollow,
)
from intake.services.history import request_event_record, request_locked, request_locked_if_free
from intake.services.status import (
    service_request_add_note,
    service_request_assign,
    service_request_change_promise,
    service_request_change_status,
    service_request_reopen_by_resident,
)
from intake.services.transfers import TRANSFERS_BEFORE_ROUTING_DESK, service_request_transfer

__all__ = [
    "MAX_DESCRIPTION",
    "MAX_MEDIA_URLS",
    "MAX_NOTE",
    "TRANSFERS_BEFORE_ROUTING_DESK",
    "IntakeCommand",
    "Location",
    "Requester",
    "Submitted",
    "request_event_record",
    "request_locked",
    "request_locked_if_free",
    "requester_clean",
    "service_request_add_note",
    "service_request_assign",
    "service_request_change_promise",
    "service_request_change_status",
    "service_request_create",
    "service_request_follow",
    "service_request_link_duplicate",
    "service_request_reopen_by_resident",
    "service_request_submit",
    "service_request_transfer",
    "service_request_unfollow",
]

"""The call script: the steps of a call and what the courtesy standard asks at each (C1-C11),
and rewording helpers for the screener's hints."""

import re
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from interactions.models import Interaction
from qa.screener import Flag


@dataclass(frozen=True)
class Step:
    key: str
    title: Promise
    standard: str
    prompt: Promise


CALL_STEPS = (
    Step(
        "greeting",
        _("Greeting"),
        "C1",
        _("Say the service's name and your own name, and offer to help."),
    ),
    Step(
        "caller",
        _("Caller"),
        "C2",
        _("Ask for their name and a number to reach them; confirm the spelling."),
    ),
    Step(
        "problem",
        _("Problem"),
        "C3",
        _(
            "Let them finish. Acknowledge the feeling, then restate the problem in your own "
            "words and ask them to confirm it."
        ),
    ),
    Step(
        "request",
        _("Request"),
        "C6 C7",
        _(
            "Check whether it is already reported. Say what will happen and by when: the "
            "promised date comes from the department's target, not from optimism."
        ),
    ),
    Step(
        "message",
        _("Message or callback"),
        "C2 C7",
        _(
            "Take every detail: name spelled back, organisation, number with area code, "
            "message, when to call back. A callback is a promise."
        ),
    ),
    Step(
        "recap",
        _("Recap and close"),
        "C11",
        _("Recap what happens next, read the reference number back, and thank them."),
    ),
)


def current_step(call: Interaction) -> str:
    if call.ended_at is not None:
        return "done"
    if not call.caller_name and not call.caller_phone:
        return "caller"
    if not call.paraphrase_confirmed:
        return "problem"
    if not call.requests.exists() and not hasattr(call, "call_message"):
        return "request"
    return "recap"


_QUOTED = re.compile(r'"([^"]+)"')


def reworded(text: str, flag: Flag) -> str | None:
    """The text with the flagged words replaced by the suggestion's own wording, when the
    suggestion quotes one; None when it only gives advice."""
    quoted = _QUOTED.search(flag.suggestion)
    if quoted is None or not 0 <= flag.start < flag.end <= len(text):
        return None
    replacement = quoted.group(1).strip()
    after = text[flag.end :]
    if replacement[-1:] in ".!?" and after[:1] in ".!?,;":
        after = after[1:]
    return (text[: flag.start] + replacement + after).strip()

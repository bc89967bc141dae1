"""Web forms of the QA workspace. They collect input only: what counts as a complete or
valid answer is decided by qa.services, whose InvalidInput errors come back to the fields."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import InvalidInput
from frontend.forms import UswdsForm
from qa.models import NOT_APPLICABLE, SCALE_VALUES, RubricItem, Scale

VALUE_LABELS: dict[str, Any] = {
    "yes": _("Yes"),
    "no": _("No"),
    "met": _("Met"),
    "partly": _("Partly"),
    "not_met": _("Not met"),
    NOT_APPLICABLE: _("Not applicable"),
}
STANDARDS = [(f"C{n}", f"C{n}") for n in range(1, 13)]


def item_choices(item: RubricItem) -> list[tuple[str, Any]]:
    values = [*SCALE_VALUES[Scale(item.scale)], *([NOT_APPLICABLE] if item.allows_na else [])]
    return [(v, VALUE_LABELS[v]) for v in values]


def value_field(item: RubricItem) -> str:
    return f"{item.code}-value"


def comment_field(item: RubricItem) -> str:
    return f"{item.code}-comment"


class RubricForm(UswdsForm):
    """One radio group and one comment per rubric item. Nothing is required here: a draft may
    be partial, and the service says what a submission lacks."""

    def __init__(self, *args: Any, items: Iterable[RubricItem], **kwargs: Any) -> None:
        self.items = list(items)
        super().__init__(*args, **kwargs)

    def rows(self) -> list[tuple[RubricItem, forms.BoundField, forms.BoundField]]:
        """(item, its answer, its comment), in the rubric's order, for the template."""
        return [(i, self[value_field(i)], self[comment_field(i)]) for i in self.items]

    def answers(self) -> dict[str, dict[str, str]]:
        """What was chosen, in the services' shape; unanswered items are left out."""
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return {
            item.code: {
                "value": data.get(value_field(item)) or "",
                "comment": data.get(comment_field(item)) or "",
            }
            for item in self.items
            if data.get(value_field(item)) or data.get(comment_field(item))
        }

    def refused(self, error: InvalidInput) -> None:
        """Put the service's refusal on the fields it names (item codes), or on the form."""
        codes = {item.code: item for item in self.items}
        for name, messages in error.errors.items():
            target = value_field(codes[name]) if name in codes else None
            for message in messages if isinstance(messages, list) else [messages]:
                self.add_error(target, str(message))


def rubric_form(
    items: Iterable[RubricItem],
    *,
    data: Mapping[str, Any] | None = None,
    saved: Mapping[str, tuple[str, str]] | None = None,
) -> RubricForm:
    """A rubric form for these items, bound to posted data or filled from saved answers
    ({item code: (value, comment)})."""
    items = list(items)
    initial: dict[str, str] = {}
    for code, (value, comment) in (saved or {}).items():
        initial[f"{code}-value"] = value
        initial[f"{code}-comment"] = comment
    fields: dict[str, forms.Field] = {}
    for item in items:
        fields[value_field(item)] = forms.ChoiceField(
            label=f"{item.c_id} {item.title}",
            choices=item_choices(item),
            required=False,
            widget=forms.RadioSelect,
        )
        fields[comment_field(item)] = forms.CharField(
            label=_("Comment on %(c_id)s") % {"c_id": item.c_id},
            required=False,
            max_length=2000,
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    # Django's form metaclass collects declared fields: a class per rubric version.
    form_class: type[RubricForm] = type("RubricItemsForm", (RubricForm,), fields)
    return form_class(data=data, initial=initial, items=items)


class ResponseForm(UswdsForm):
    """The agent's answer to a submitted evaluation: acknowledge (a comment is optional) or
    dispute (the service requires a reason)."""

    comment = forms.CharField(
        label=_("Your comment or, to dispute, your reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ArbitrationForm(UswdsForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("uphold", _("Uphold the scores")),
            ("rescore", _("Rescore with the answers below")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the agent and the reviewer"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CoachingForm(UswdsForm):
    c_ids = forms.MultipleChoiceField(
        label=_("Standards this note is about"),
        choices=STANDARDS,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    text = forms.CharField(
        label=_("Coaching note"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def refuse(form: forms.Form, error: InvalidInput, **aliases: str) -> None:
    """A service's refusal on the form's own fields where they match (or through `aliases`,
    service name to field name), else on the form."""
    for name, messages in error.errors.items():
        field = aliases.get(name, name)
        target = field if field in form.fields else None
        for message in messages if isinstance(messages, list) else [messages]:
            form.add_error(target, str(message))

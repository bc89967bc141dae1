"""What every web form shares: USWDS classes on widgets, and fields that name their errors
to assistive technology (aria-invalid, aria-describedby)."""

from typing import Any

from django import forms

WIDGET_CLASSES = {
    forms.Textarea: "usa-textarea",
    forms.Select: "usa-select",
    forms.SelectMultiple: "usa-select",
    forms.RadioSelect: "usa-radio__input",
    forms.CheckboxSelectMultiple: "usa-checkbox__input",
    forms.CheckboxInput: "usa-checkbox__input",
    forms.ClearableFileInput: "usa-file-input",
    forms.FileInput: "usa-file-input",
}


class UswdsForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_fields(list(self.fields))

    def style_fields(self, names: list[str]) -> None:
        """USWDS classes and hint links on these fields (call again for fields added later)."""
        for name in names:
            field = self.fields[name]
            widget = field.widget
            css = next(
                (c for kind, c in WIDGET_CLASSES.items() if isinstance(widget, kind)),
                "usa-input",
            )
            widget.attrs["class"] = f"{css} {widget.attrs.get('class', '')}".strip()
            if field.help_text:
                widget.attrs["aria-describedby"] = f"id_{self.add_prefix(name)}-hint"

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:
            if name not in self.fields:
                continue
            attrs = self.fields[name].widget.attrs
            attrs["aria-invalid"] = "true"
            error_id = f"id_{self.add_prefix(name)}-error"
            described = attrs.get("aria-describedby", "")
            attrs["aria-describedby"] = f"{error_id} {described}".strip()

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms import UswdsForm

ATTRIBUTE_PREFIX = "attribute_"
SCORES = [(n, str(n)) for n in range(1, 11)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SurveyForm(UswdsForm):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how it was resolved? (1 = not at all, 10 = very)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a number from 1 to 10.")},
    )
    courteous = forms.ChoiceField(
        label=_("Were you treated courteously?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    fixed = forms.ChoiceField(
        label=_("Is the problem fixed?"),
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose yes or no.")},
    )
    comment = forms.CharField(
        label=_("Anything else?"), required=False, max_length=2000, widget=forms.Textarea
    )


CONTACT_CHANNELS = [
    ("none", _("Don't send me updates")),
    ("email", _("Email")),
    ("sms", _("Text message")),
    ("phone", _("Phone call")),
]
LANGUAGE_CHOICES = [("en", "English"), ("es", "Español")]


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ReportForm(UswdsForm):
    """The residents' report. Only the shape is checked here; what a request must be
    (attributes, location, contact) is checked once, by the intake command."""

    description = forms.CharField(
        label=_("Describe the problem"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What is wrong, and anything that helps the crew find it."),
    )
    address = forms.CharField(
        label=_("Address or nearest cross streets"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "address-suggestions"}),
        help_text=_("Start typing an address, or put the pin on the map."),
    )
    address_id = forms.CharField(required=False, max_length=100, widget=forms.HiddenInput)
    lat = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    long = forms.CharField(required=False, max_length=30, widget=forms.HiddenInput)
    # Checked one by one by the photo service (intake.services.photos), not here.
    photos = forms.Field(
        label=_("Photos (up to 3)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        help_text=_(
            "JPEG, PNG or WebP, up to 10 MB each. We remove the location stored in photos."
        ),
    )
    first_name = forms.CharField(
        label=_("First name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        label=_("Phone"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    channel = forms.ChoiceField(
        label=_("How should we tell you about progress?"),
        choices=CONTACT_CHANNELS,
        initial="none",
        widget=forms.RadioSelect,
    )
    language = forms.ChoiceField(
        label=_("Language for our messages"), choices=LANGUAGE_CHOICES, widget=forms.Select
    )
    # A field people never see: software that fills in every field fills this one too.
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )
    attempt = forms.CharField(max_length=64, widget=forms.HiddenInput)

    def __init__(self, *args: Any, attribute_fields: dict[str, forms.Field], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in attribute_fields.items():
            self.fields[name] = field
        order = [name for name in self.fields if name.startswith(ATTRIBUTE_PREFIX)]
        self.order_fields(order + [n for n in self.fields if n not in order])
        self.style_fields(list(attribute_fields))


class SignInForm(UswdsForm):
    email = forms.EmailField(
        label=_("Your email address"),
        max_length=254,
        help_text=_("The one you gave when you reported or followed a request."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={
            "required": _("Give your email address."),
            "invalid": _("Give a valid email address."),
        },
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from frontend.forms import UswdsForm

SCORES = [(n, str(n)) for n in range(1, 11)]
YES_NO = [("yes", _("Yes")), ("no", _("No"))]


class SurveyForm(UswdsForm):
    satisfaction = forms.TypedChoiceField(
        label=_("How satisfied are you with how it was resolved? (1 = not at all, 10 = very)"),
        choices=SCORES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    courteous = forms.ChoiceField(
        label=_("Were you treated courteously?"), choices=YES_NO, widget=forms.RadioSelect
    )
    fixed = forms.ChoiceField(
        label=_("Is the problem fixed?"), choices=YES_NO, widget=forms.RadioSelect
    )
    comment = forms.CharField(
        label=_("Anything else?"), required=False, max_length=2000, widget=forms.Textarea
    )

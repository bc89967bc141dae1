from django import forms

SCORES = [(n, str(n)) for n in range(1, 11)]
YES_NO = [("yes", "Yes"), ("no", "No")]
YES_NO_ES = [("yes", "Sí"), ("no", "No")]


class SurveyForm(forms.Form):
    satisfaction = forms.TypedChoiceField(choices=SCORES, coerce=int, widget=forms.RadioSelect)
    courteous = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
    fixed = forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect)
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args: object, language: str = "en", **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        if language == "es":
            self.fields["courteous"].choices = YES_NO_ES  # type: ignore[attr-defined]
            self.fields["fixed"].choices = YES_NO_ES  # type: ignore[attr-defined]

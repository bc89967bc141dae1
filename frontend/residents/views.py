from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from core.errors import InvalidInput
from frontend.errors import own_error_page
from frontend.residents.forms import SurveyForm
from notifications.surveys import survey_answer, survey_find


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "residents/home.html")


def _resident_language(request: HttpRequest, language: str) -> None:
    """A link in a message opens in the language the resident chose, until they switch."""
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


def survey(request: HttpRequest, token: str) -> HttpResponse:
    """C10: the resident's answer after closure. Not fixed reopens; a low score starts recovery."""
    invitation = survey_find(token=token)
    if invitation is None or invitation.answered_at is not None:
        invalid = render(request, "residents/survey.html", {"invalid": True}, status=404)
        return own_error_page(invalid)
    _resident_language(request, invitation.language)
    context: dict[str, object] = {"reference": invitation.request.public_id}
    form = SurveyForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = survey_answer(
                token=token,
                satisfaction=form.cleaned_data["satisfaction"],
                courteous=form.cleaned_data["courteous"] == "yes",
                fixed=form.cleaned_data["fixed"] == "yes",
                comment=form.cleaned_data["comment"],
            )
        except InvalidInput as exc:
            for field, messages in exc.errors.items():
                for message in messages:
                    form.add_error(field if field in form.fields else None, message)
        else:
            return render(
                request,
                "residents/survey.html",
                context | {"done": True, "reopened": outcome.reopened},
            )
    status = 400 if request.method == "POST" else 200
    return render(request, "residents/survey.html", context | {"form": form}, status=status)

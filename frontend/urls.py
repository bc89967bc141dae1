from django.urls import include, path

urlpatterns = [
    # Django's set_language: a POST that sets the language cookie and goes back.
    path("i18n/", include("django.conf.urls.i18n")),
    path("staff/", include("frontend.staff.urls")),
    path("qa/", include("frontend.qa.urls")),
    path("", include("frontend.residents.urls")),
]

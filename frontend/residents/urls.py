from django.urls import path

from frontend.residents import views

urlpatterns = [
    path("", views.home, name="home"),
    path("survey/<str:token>/", views.survey, name="survey"),
]

from django.urls import path

from frontend.qa import views

app_name = "qa"
urlpatterns = [
    path("", views.home, name="home"),
]
